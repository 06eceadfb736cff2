//! Where the program keeps its files, by the platform's conventions (the XDG base
//! directories on Linux), as the `directories` crate knows them: one place for every
//! path, instead of each module reading `XDG_*` and `HOME` by hand.

use std::path::PathBuf;

/// The environment variable naming the config file, overriding the default place.
pub const CONFIG_ENV: &str = "LINQ_CONTACT_CONFIG";

const APP: &str = "linq-contact";

/// `$LINQ_CONTACT_CONFIG`, else `<config dir>/linq-contact/config.toml`
/// (`$XDG_CONFIG_HOME`, else `~/.config`). `None` when no home directory is known.
pub fn config_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let base = directories::BaseDirs::new()?;
    Some(base.config_dir().join(APP).join("config.toml"))
}

/// `<state dir>/linq-contact` (`$XDG_STATE_HOME`, else `~/.local/state`; platforms
/// without a state directory use the local data directory): drafts, the log, recent
/// contacts and the journal.
pub fn state_dir() -> Option<PathBuf> {
    let base = directories::BaseDirs::new()?;
    let dir = base
        .state_dir()
        .map_or_else(|| base.data_local_dir().to_path_buf(), PathBuf::from);
    Some(dir.join(APP))
}

/// `<cache dir>/linq-contact` (`$XDG_CACHE_HOME`, else `~/.cache`): the index of the
/// organisation's contacts, which can always be built again.
pub fn cache_dir() -> Option<PathBuf> {
    let base = directories::BaseDirs::new()?;
    Some(base.cache_dir().join(APP))
}
