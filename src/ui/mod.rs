//! Drawing: pure functions from `&App` to cells, the dialogs' included (`dialogs/`). No
//! state lives here.

pub mod dialogs;
mod errors;
mod form;
mod status;
pub mod theme;
pub(crate) mod widgets;

use crate::app::{App, Hit, MIN_HEIGHT, MIN_WIDTH};
use crate::dialogs::Overlay;
use crate::keymap::{Action, Hint, Keys, Scope};
use dialogs::{Look, View};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use theme::Theme;

/// From this width the form and the status pane stand side by side.
const WIDE: u16 = 110;

/// Where each part of the screen goes; `None` below the minimum size.
struct Areas {
    header: Rect,
    body: Rect,
    footer: Rect,
    form: Rect,
    status: Rect,
}

fn layout(area: Rect) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let [form, status] = if area.width >= WIDE {
        // The form keeps at least its 80-column width; the status pane takes the rest.
        Layout::horizontal([Constraint::Min(70), Constraint::Percentage(42)]).areas(body)
    } else {
        Layout::vertical([Constraint::Length(form::HEIGHT), Constraint::Min(0)]).areas(body)
    };
    Some(Areas {
        header,
        body,
        footer,
        form,
        status,
    })
}

/// What one draw found out about the screen, for the runtime to act on: how far the
/// scrollable parts can scroll, and where things are for mouse clicks. Computed while
/// drawing, the one place wrapped heights are known, and handed back as a plain value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub status_scroll_max: u16,
    pub overlay_scroll_max: u16,
    /// The form pane (empty below the minimum size).
    pub form: Rect,
}

impl Drawn {
    /// What a mouse click at (`col`, `row`) points at.
    pub fn hit(&self, app: &App, col: u16, row: u16) -> Option<Hit> {
        let at = ratatui::layout::Position::new(col, row);
        if self.form.contains(at) {
            form::field_at(app, self.form, row).map(Hit::Field)
        } else {
            None
        }
    }
}

/// Draws the whole screen from `app`; returns what the runtime needs to know of it.
pub fn draw(app: &App, frame: &mut Frame) -> Drawn {
    let theme = Theme::new(app.options().monochrome);
    let area = frame.area();
    let Some(areas) = layout(area) else {
        draw_too_small(frame, area);
        return Drawn::default();
    };
    let view = view(app, &theme);
    // The open dialog's look, worked out once for its frame and the footer.
    let dialog = app.overlay().map(|o| (o, dialogs::look(o, &view)));
    draw_header(app, &theme, frame, areas.header);
    let cursor = form::draw(app, &theme, frame, areas.form);
    let status_scroll_max = status::draw(app, &theme, frame, areas.status);
    draw_footer(app, dialog.as_ref(), &theme, frame, areas.footer);
    let (cursor, overlay_scroll_max) = match dialog {
        Some((overlay, look)) => dialogs::frame::draw(overlay, look, &view, frame, areas.body),
        None => (cursor, 0),
    };
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
    Drawn {
        status_scroll_max,
        overlay_scroll_max,
        form: areas.form,
    }
}

/// Draws `app` and hands the scroll limits back to it: what the runtime does after
/// every message, and what tests that drive a `TestBackend` do too.
pub fn render<B: ratatui::backend::Backend>(
    app: &mut App,
    terminal: &mut ratatui::Terminal<B>,
) -> Result<Drawn, B::Error> {
    let mut drawn = Drawn::default();
    terminal.draw(|f| drawn = draw(app, f))?;
    app.set_scroll_limits(drawn.status_scroll_max, drawn.overlay_scroll_max);
    Ok(drawn)
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("terminal too small"),
        Line::from(format!("need {MIN_WIDTH}×{MIN_HEIGHT}")),
        Line::from(format!("have {}×{}", area.width, area.height)),
        Line::from("resize to go on"),
    ];
    frame.render_widget(Paragraph::new(text), area);
}

fn draw_header(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = match app.record() {
        Some(_) if app.is_new_contact() => " linq-contact · new contact".to_string(),
        Some(_) if app.is_many() => format!(
            " linq-contact · {} contacts",
            app.editing()
                .and_then(|e| e.many.as_ref())
                .map_or(0, |m| m.read.len())
        ),
        Some(c) if c.full_name.trim().is_empty() => format!(" linq-contact · contact {}", c.id),
        Some(c) => format!(
            " linq-contact · contact {} · {}",
            c.id,
            crate::text::sanitize(&c.full_name)
        ),
        None => format!(
            " linq-contact · {}",
            crate::text::sanitize(&app.target().describe())
        ),
    };
    let right = format!("{} ", app.options().api_label);
    let profile = &app.options().profile;
    let bar = if profile.production {
        theme.production_bar()
    } else {
        theme.bar()
    };
    let line = if profile.is_notable() {
        let badge = if profile.production {
            format!(" {} · production ", profile.name)
        } else {
            format!(" {} ", profile.name)
        };
        profile_line(
            &title,
            &badge,
            theme.profile_badge(profile.color),
            &right,
            area.width,
        )
    } else {
        widgets::spread(&title, &right, area.width)
    };
    frame.render_widget(Paragraph::new(line).style(bar), area);
}

/// The header with the profile's badge before the server: the server's name goes first
/// when the width runs short, the profile's last.
fn profile_line(
    title: &str,
    badge: &str,
    badge_style: ratatui::style::Style,
    right: &str,
    width: u16,
) -> Line<'static> {
    let cols = usize::from(width);
    let badge_w = widgets::width(badge);
    if badge_w >= cols {
        return widgets::spread(title, "", width);
    }
    let title = widgets::fit(title, cols - badge_w);
    let title_w = widgets::width(&title);
    let right = if title_w + badge_w + 1 + widgets::width(right) <= cols {
        format!(" {right}")
    } else {
        String::new()
    };
    let used = title_w + badge_w + widgets::width(&right);
    Line::from(vec![
        Span::raw(format!("{title}{}", " ".repeat(cols - used))),
        Span::styled(badge.to_string(), badge_style),
        Span::raw(right),
    ])
}

/// What a dialog may read of the app to draw itself.
fn view<'a>(app: &'a App, theme: &'a Theme) -> View<'a> {
    View {
        keymap: &app.options().keymap,
        theme,
        contact_id: app.contact_id(),
        status: app.status(),
        saving: app.is_saving(),
        paths: &app.options().paths,
        scroll: app.overlay_scroll(),
        now: app.now(),
    }
}

/// The keys the form offers, most needed first: what does not fit is dropped from the
/// end. Each names the first key of its action as configured.
fn form_hints(app: &App) -> Vec<Hint> {
    let hint = |a: Action, label: &str| Hint::keys([Keys::First(a)], label);
    if app.is_busy() {
        vec![
            hint(Action::Revert, "cancel the request"),
            hint(Action::Quit, "quit"),
        ]
    } else if app.form().is_none() {
        vec![
            hint(Action::Reload, "retry"),
            hint(Action::Open, "open"),
            hint(Action::Picker, "pick"),
            hint(Action::Quit, "quit"),
        ]
    } else {
        vec![
            hint(Action::Review, "review"),
            hint(Action::Quit, "quit"),
            hint(Action::Help, "help"),
            hint(Action::Revert, "revert"),
            hint(Action::Undo, "undo"),
            hint(Action::Open, "open"),
            hint(Action::Picker, "pick"),
            hint(Action::NextField, "move"),
        ]
    }
}

/// The open dialog's hint line, or the form's.
fn draw_footer(
    app: &App,
    dialog: Option<&(&Overlay, Look)>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let keymap = &app.options().keymap;
    let hints: Vec<(String, String)> = match dialog {
        Some((overlay, look)) => dialogs::hint_line(overlay.dialog(), look, keymap, true),
        None => form_hints(app)
            .into_iter()
            .filter_map(|h| Some((keymap.hint_keys(&h.keys, Scope::Form)?, h.label)))
            .collect(),
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, (key, what)) in hints.iter().enumerate() {
        let sep = if i > 0 { " · " } else { "" };
        let cost = widgets::width(sep) + widgets::width(key) + 1 + widgets::width(what);
        if used + cost > usize::from(area.width) {
            break;
        }
        used += cost;
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
