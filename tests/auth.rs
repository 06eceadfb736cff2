//! Profiles and `auth`, through the real binary: a token is checked with one request
//! before it is kept, found again by every command, shown only by `auth token`, and
//! forgotten; each profile has its own server, drafts and journal; a production profile
//! asks for its name before a batch.
//!
//! Tokens are kept with `--insecure-storage` here (a file in the scratch directory), so
//! the runs never depend on this machine's keyring; `kept_in_the_kernel_keyring` is the
//! one run against the real kernel keyring.

mod common;
use common::cli::Out::{Any, Has, StartsWith};
use common::cli::{CONTACTS, Run, World, given, reply, run_command};
use common::pty::ENTER;
use linq_contact::demo::DemoServer;
use std::path::PathBuf;
use wiremock::matchers::{header, query_param};

/// The binary in `world` with no token in the environment (unless `env` sets one), at
/// the API `url`, with `stdin`.
fn run(world: &World, url: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut command = world.command(url, args);
    command.env_remove("LINQ_INTEGRATION_TOKEN");
    for (key, value) in env {
        command.env(key, value);
    }
    run_command(command, stdin)
}

/// `auth login --profile NAME --with-token --insecure-storage`, with the token on stdin.
fn login_insecure(world: &World, url: &str, profile: &str, token: &str) -> Run {
    let args = [
        "auth",
        "login",
        "--profile",
        profile,
        "--with-token",
        "--insecure-storage",
    ];
    run(world, url, &args, token, &[])
}

/// A scratch world with a demo API and the config file `text`.
fn configured(text: &str) -> (World, DemoServer) {
    let world = World::new();
    let demo = world.demo();
    write_config(&world, text);
    (world, demo)
}

fn config_path(world: &World) -> PathBuf {
    world.dir.join("config/linq-contact/config.toml")
}

fn write_config(world: &World, text: &str) {
    let path = config_path(world);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

/// Where `--insecure-storage` keeps the token of `profile`, given the scratch
/// `XDG_STATE_HOME`.
fn token_file(world: &World, profile: &str) -> PathBuf {
    world.dir.join("state/linq-contact/tokens").join(profile)
}

/// Every file under the scratch directory (home, config, state, cache) holding `text`.
fn files_holding(world: &World, text: &str) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, text: &str, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, text, found);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| bytes.windows(text.len()).any(|w| w == text.as_bytes()))
            {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&world.dir, text, &mut found);
    found
}

const GOOD: &str = "tok-good-5f3a9c21d8e7";

#[test]
fn login_checks_the_token_with_one_request_then_keeps_it() {
    let world = World::new();
    let server = world.mock(vec![reply(
        given("GET", CONTACTS)
            .and(query_param("page", "1"))
            .and(query_param("per_page", "1"))
            .and(header("X-LINQ-INTEGRATION-TOKEN", GOOD)),
        200,
        Some(serde_json::json!({
            "contacts": [],
            "pagination": {"current_page": 1, "per_page": 1, "total_pages": 0, "total_count": 0}
        })),
    )]);
    let url = server.uri();
    run(
        &world,
        &url,
        &["auth", "login", "--with-token", "--insecure-storage"],
        &format!("{GOOD}\n"),
        &[],
    )
    .expect(
        0,
        "",
        StartsWith("linq-contact: logged in to profile `default` ("),
    );
    let requests = world.rt.block_on(server.received_requests()).unwrap();
    let asked: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {}?{}",
                r.method,
                r.url.path(),
                r.url.query().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(asked, [format!("GET {CONTACTS}?page=1&per_page=1")]);
    let path = token_file(&world, "default");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), GOOD);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Found again by the next command, printed only by `auth token`.
    run(&world, &url, &["auth", "token"], "", &[]).expect(0, format!("{GOOD}\n").as_str(), "");
    let status = run(&world, &url, &["auth", "status"], "", &[]);
    status.expect(0, StartsWith("default (in use)\n"), "");
    status
        .out_has(&format!("  server: {url}\n"))
        .out_has("  token:  kept in an unencrypted file, ")
        .out_has("(--insecure-storage)\n")
        .out_has("          ends in …d8e7\n")
        .out_has("  works:  yes\n");
    assert!(!status.stdout.contains(GOOD), "{}", status.stdout);
    // `config` names where the token is, never what it is.
    let config = run(&world, &url, &["config"], "", &[]);
    config.expect(0, Has("token = \"<kept in an unencrypted file, "), "");
    assert!(!config.stdout.contains(GOOD));
}

#[test]
fn a_refused_token_is_not_stored_and_the_next_command_says_how_to_log_in() {
    let world = World::new();
    let server = world.mock(vec![reply(
        given("GET", CONTACTS),
        401,
        Some(serde_json::json!({"error": "unauthorized"})),
    )]);
    let url = server.uri();
    let refused = run(
        &world,
        &url,
        &["auth", "login", "--with-token", "--insecure-storage"],
        "bad-token-123456\n",
        &[],
    );
    refused.expect(
        1,
        "",
        StartsWith("linq-contact: the token was not stored: "),
    );
    refused.err_has("401");
    assert!(!token_file(&world, "default").exists());
    assert_eq!(
        world.rt.block_on(server.received_requests()).unwrap().len(),
        1
    );
    // No token at all: exit 4, with what to run. The editor says it before it needs a
    // terminal (this run has none).
    for args in [&["get", "7"][..], &["7"], &["auth", "token"]] {
        run(&world, &url, args, "", &[]).expect(
            4,
            "",
            StartsWith(
                "linq-contact: no token for profile `default`: run `linq-contact auth login` (or set \
                 LINQ_INTEGRATION_TOKEN",
            ),
        );
    }
    // No token given at all is a usage error, and nothing is asked of the server.
    run(
        &world,
        &url,
        &["auth", "login", "--with-token"],
        "\n\n",
        &[],
    )
    .expect(2, "", "linq-contact: no token given: nothing was stored\n");
    run(&world, &url, &["auth", "login"], "", &[]).expect(
        2,
        "",
        "linq-contact: stdin is not a terminal to type the token on: pass it on stdin with \
         --with-token\n",
    );
    assert_eq!(
        world.rt.block_on(server.received_requests()).unwrap().len(),
        1
    );
}

#[test]
fn the_environment_beats_token_command_which_beats_the_stored_token() {
    let (world, demo) =
        configured("[profiles.staging]\ntoken_command = \"printf from-command\"\n[profiles.qa]\n");
    let url = demo.url();
    for profile in ["staging", "qa"] {
        login_insecure(&world, &url, profile, demo.token()).code(0);
    }
    let token = |profile: &str, env: &[(&str, &str)]| {
        run(
            &world,
            &url,
            &["auth", "token", "--profile", profile],
            "",
            env,
        )
        .stdout
    };
    assert_eq!(token("qa", &[]), format!("{}\n", demo.token()));
    assert_eq!(token("staging", &[]), "from-command\n");
    let env = [("LINQ_INTEGRATION_TOKEN", "from-env")];
    assert_eq!(token("staging", &env), "from-env\n");
    assert_eq!(token("qa", &env), "from-env\n");
    // LINQ_PROFILE chooses as --profile does.
    let by_env = run(
        &world,
        &url,
        &["auth", "token"],
        "",
        &[("LINQ_PROFILE", "staging")],
    );
    assert_eq!(by_env.stdout, "from-command\n");
    run(&world, &url, &["config", "--profile", "staging"], "", &[]).expect(
        0,
        Has("token = \"<from token_command>\"\n"),
        "",
    );
}

#[test]
fn logout_forgets_and_the_next_command_names_the_profile_to_log_in_to() {
    let (world, demo) = configured("[profiles.staging]\n");
    let url = demo.url();
    let staging = |words: &[&str], stdin: &str| {
        let args: Vec<&str> = words
            .iter()
            .copied()
            .chain(["--profile", "staging"])
            .collect();
        run(&world, &url, &args, stdin, &[])
    };
    let login = ["auth", "login", "--with-token", "--insecure-storage"];
    staging(&login, demo.token()).code(0);
    staging(&["get", "1001"], "").code(0);
    staging(&["auth", "logout"], "").expect(
        0,
        "",
        StartsWith(
            "linq-contact: forgot the token of profile `staging` kept in an unencrypted file",
        ),
    );
    assert!(!token_file(&world, "staging").exists());
    // Where the machine's keyring cannot be opened a line says so after this one.
    staging(&["get", "1001"], "").expect(
        4,
        "",
        StartsWith(
            "linq-contact: no token for profile `staging`: run `linq-contact auth login \
             --profile staging`\n",
        ),
    );
    staging(&["auth", "status"], "")
        .expect(1, Has("staging (in use)\n  server: "), "")
        .out_has(
            "  token:  none\n  works:  no token: run `linq-contact auth login --profile staging`\n",
        );
    staging(&["auth", "logout"], "").expect(
        0,
        "",
        "linq-contact: no token was stored for profile `staging`\n",
    );
}

#[test]
fn a_new_profile_is_added_to_the_config_file_and_an_unknown_one_is_refused() {
    let (world, demo) = configured("mouse = true\n[profiles.staging]\n");
    let url = demo.url();
    run(
        &world,
        &url,
        &["get", "1001", "--profile", "stagnig"],
        "",
        &[("LINQ_INTEGRATION_TOKEN", "x")],
    )
    .expect(
        2,
        "",
        "linq-contact: no profile `stagnig` in the config file (it has `staging`); \
         `linq-contact auth login --profile stagnig --api-url URL` adds it\n",
    );
    login_insecure(&world, &url, "eu", demo.token())
        .code(0)
        .err_has("linq-contact: added [profiles.eu] to ");
    let text = std::fs::read_to_string(config_path(&world)).unwrap();
    assert_eq!(
        text,
        format!("mouse = true\n[profiles.staging]\n\n[profiles.\"eu\"]\napi_url = \"{url}\"\n")
    );
    // Now known, with its server, and no LINQ_API_URL needed.
    by_profile(&world, &["get", "1001", "--profile", "eu"], "").code(0);
}

/// The binary with neither a server nor a token from the environment: the profile's.
fn by_profile(world: &World, args: &[&str], stdin: &str) -> Run {
    let mut command = world.command("", args);
    command
        .env_remove("LINQ_API_URL")
        .env_remove("LINQ_INTEGRATION_TOKEN");
    run_command(command, stdin)
}

/// Two profiles on two servers: each command goes to its profile's server, and the
/// journal says which profile made each save.
#[test]
fn two_profiles_on_two_servers_stay_apart() {
    let world = World::new();
    let (staging, prod) = (world.demo(), world.demo());
    write_config(
        &world,
        &format!(
            "[profiles.staging]\napi_url = \"{}\"\n[profiles.prod]\napi_url = \"{}\"\nproduction = true\n",
            staging.url(),
            prod.url()
        ),
    );
    for (name, server) in [("staging", &staging), ("prod", &prod)] {
        let login = [
            "auth",
            "login",
            "--profile",
            name,
            "--with-token",
            "--insecure-storage",
        ];
        by_profile(&world, &login, server.token()).code(0);
    }
    let set = |profile: &str, title: &str| {
        let title = format!("title={title}");
        by_profile(
            &world,
            &["set", "1001", &title, "--yes", "--profile", profile],
            "",
        )
        .code(0);
    };
    set("staging", "Staging title");
    set("prod", "Prod title");
    let puts = |server: &DemoServer| common::bodies(server, "PUT");
    assert_eq!(
        puts(&staging),
        [r#"{"contact":{"first_name":"Avery","title":"Staging title"}}"#]
    );
    assert_eq!(
        puts(&prod),
        [r#"{"contact":{"first_name":"Avery","title":"Prod title"}}"#]
    );
    let servers: Vec<String> = world
        .journal()
        .iter()
        .map(|e| e["server"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        servers,
        [
            format!("{} (profile staging)", staging.url()),
            format!("{} (profile prod)", prod.url())
        ]
    );
    // `history` of each profile shows its own save alone.
    let text = by_profile(
        &world,
        &["history", "1001", "--json", "--profile", "prod"],
        "",
    )
    .stdout;
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("Prod title"), "{text}");
    assert!(
        files_holding(&world, staging.token())
            .iter()
            .all(|p| p.starts_with(world.dir.join("state/linq-contact/tokens")))
    );
}

const PROD: &str = "[profiles.prod]\nproduction = true\n";

#[test]
fn apply_to_a_production_profile_without_a_terminal_needs_yes() {
    let (world, demo) = configured(PROD);
    let rows = world.file("rows.jsonl", b"{\"id\": 1001, \"title\": \"CTO\"}\n");
    let rows = rows.to_str().unwrap();
    world
        .run(&demo.url(), &["apply", rows, "--profile", "prod"])
        .expect(
            2,
            "",
            "linq-contact: nothing sent: profile `prod` is production, and stdin is not a terminal \
         on which to type its name; add --yes to apply without asking\n",
        );
    assert!(common::bodies(&demo, "PUT").is_empty());
    // A dry run sends nothing, so it asks nothing.
    world
        .run(
            &demo.url(),
            &["apply", rows, "--profile", "prod", "--dry-run"],
        )
        .code(0);
    world
        .run(&demo.url(), &["apply", rows, "--profile", "prod", "--yes"])
        .expect(0, Any, Any);
    assert_eq!(
        common::bodies(&demo, "PUT"),
        [r#"{"contact":{"first_name":"Avery","title":"CTO"}}"#]
    );
}

#[test]
fn apply_to_a_production_profile_on_a_terminal_asks_for_its_name() {
    let (world, demo) = configured(PROD);
    let rows = world.file("rows.jsonl", b"{\"id\": 1001, \"title\": \"CTO\"}\n");
    let rows = rows.to_str().unwrap();
    let mut wrong = world.pty(&demo.url(), &["apply", rows, "--profile", "prod"]);
    wrong.wait_for("Type its name to apply:");
    wrong.send(&format!("y{ENTER}"));
    wrong.exits_showing(2, "nothing sent: `y` is not `prod`");
    assert!(common::bodies(&demo, "PUT").is_empty());

    let mut right = world.pty(&demo.url(), &["apply", rows, "--profile", "prod"]);
    right.wait_for(&format!(
        "Profile `prod` is production ({}). Type its name to apply:",
        demo.url()
    ));
    right.send(&format!("prod{ENTER}"));
    assert_eq!(right.wait_exit(), 0);
    assert_eq!(
        common::bodies(&demo, "PUT"),
        [r#"{"contact":{"first_name":"Avery","title":"CTO"}}"#]
    );
}

/// Runs the binary in a session keyring of its own, as a login (pam_keyinit) gives each
/// session: a process left with the user's default session keyring (a container, a
/// cron job) may not link keys into the persistent keyring. Each run gets a new one, so
/// a token found again was found through the persistent keyring, as after a new SSH
/// login. `None` where python3 cannot make one.
fn in_new_session(world: &World, url: &str, args: &[&str], stdin: &str) -> Option<Run> {
    const JOIN: &str = "import ctypes, os, sys\n\
        nr = {'x86_64': 250, 'aarch64': 219}.get(os.uname().machine)\n\
        libc = ctypes.CDLL(None, use_errno=True)\n\
        if nr is None or libc.syscall(nr, 1, None) < 0: sys.exit(99)\n\
        os.execv(sys.argv[1], sys.argv[1:])\n";
    let template = world.command(url, args);
    let mut command = std::process::Command::new("python3");
    command.arg("-c").arg(JOIN).arg(common::cli::BIN).args(args);
    command.current_dir(&world.dir);
    for (key, value) in template.get_envs() {
        match value {
            Some(v) => command.env(key, v),
            None => command.env_remove(key),
        };
    }
    command.env_remove("LINQ_INTEGRATION_TOKEN");
    let run = run_command(command, stdin);
    (run.code != Some(99)).then_some(run)
}

/// The one run against the real kernel keyring (keyutils), as on a headless Linux box:
/// skipped, saying why, where the kernel or the sandbox does not allow it.
#[test]
fn kept_in_the_kernel_keyring() {
    let world = World::new();
    let demo = world.demo();
    let url = demo.url();
    // A name of this run alone: the kernel keyring is this user's, shared with every run.
    let profile = format!("lc-test-{}", std::process::id());
    write_config(&world, &format!("[profiles.{profile}]\n"));
    let run = |args: &[&str], stdin: &str| in_new_session(&world, &url, args, stdin);
    let Some(login) = run(
        &["auth", "login", "--profile", &profile, "--with-token"],
        demo.token(),
    ) else {
        println!("skipped: no python3 here to give the binary a session keyring of its own");
        return;
    };
    if login.code == Some(1) && login.stderr.contains("no keyring could keep it") {
        println!(
            "skipped: the kernel keyring is not usable here: {}",
            login.stderr.trim()
        );
        return;
    }
    login.expect(
        0,
        "",
        StartsWith(&format!(
            "linq-contact: logged in to profile `{profile}` ({url}); the token is kept in the \
             system keyring (the kernel keyring, keyutils)\n"
        )),
    );
    let again = |args: &[&str]| run(args, "").unwrap();
    again(&["auth", "token", "--profile", &profile]).expect(
        0,
        format!("{}\n", demo.token()).as_str(),
        "",
    );
    again(&["get", "1001", "--profile", &profile]).code(0);
    again(&["auth", "status", "--profile", &profile]).expect(
        0,
        Has("  token:  kept in the system keyring (the kernel keyring, keyutils)\n"),
        "",
    );
    // Nowhere on disk: not in home, config, state or cache.
    assert_eq!(files_holding(&world, demo.token()), Vec::<PathBuf>::new());
    again(&["auth", "logout", "--profile", &profile]).expect(
        0,
        "",
        format!(
            "linq-contact: forgot the token of profile `{profile}` kept in the system keyring \
             (the kernel keyring, keyutils)\n"
        )
        .as_str(),
    );
    again(&["auth", "token", "--profile", &profile]).code(4);
}
