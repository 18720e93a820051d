//! SIGINT, SIGTERM and SIGHUP, routed to one thread (signal-hook's self-pipe, so nothing else
//! runs inside a signal handler). By default a signal ends custctl with 128 + its number, after
//! running the exit hooks that undo what must not outlive custctl (an ssh tunnel, a terminal
//! with echo off). While an interrupt handler is set, SIGINT calls it instead (the REPL cancels
//! the running statement).

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

type Hook = Box<dyn Fn() + Send>;

static INTERRUPT_HANDLER: Mutex<Option<Hook>> = Mutex::new(None);
static EXIT_HOOKS: Mutex<BTreeMap<u64, Hook>> = Mutex::new(BTreeMap::new());
static NEXT_HOOK: AtomicU64 = AtomicU64::new(0);
/// The signal that is ending custctl, once the signal thread has begun to end it.
static ENDING_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Starts the signal thread (once; later calls return what the first one did). Until it runs,
/// the signals keep their default action.
pub fn route_termination_signals() -> Result<(), String> {
    static STARTED: OnceLock<Result<(), String>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP]).map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("signals".into())
                .spawn(move || {
                    for signal in signals.forever() {
                        if signal == SIGINT {
                            if let Some(handler) = INTERRUPT_HANDLER
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .as_ref()
                            {
                                handler();
                                continue;
                            }
                        }
                        ENDING_SIGNAL.store(signal, Ordering::SeqCst);
                        let hooks = std::mem::take(&mut *EXIT_HOOKS.lock().unwrap_or_else(PoisonError::into_inner));
                        for hook in hooks.values() {
                            hook();
                        }
                        std::process::exit(128 + signal);
                    }
                })
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .clone()
}

/// Makes SIGINT call `handler` (until [`clear_interrupt_handler`]) instead of ending custctl.
pub fn set_interrupt_handler(handler: Box<dyn Fn() + Send>) {
    *INTERRUPT_HANDLER.lock().unwrap_or_else(PoisonError::into_inner) = Some(handler);
}

pub fn clear_interrupt_handler() {
    *INTERRUPT_HANDLER.lock().unwrap_or_else(PoisonError::into_inner) = None;
}

/// Something to undo before a signal ends custctl; removed with [`remove_exit_hook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitHook(u64);

pub fn add_exit_hook(hook: Box<dyn Fn() + Send>) -> ExitHook {
    let id = NEXT_HOOK.fetch_add(1, Ordering::Relaxed);
    EXIT_HOOKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, hook);
    ExitHook(id)
}

pub fn remove_exit_hook(hook: ExitHook) {
    EXIT_HOOKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&hook.0);
}

/// Ending a tunnel makes whatever used it fail, and that failure can reach `main` before the
/// signal thread exits: a verb calls this on its way out so that a signal still ends custctl
/// with 128 + its number, not with that failure.
pub fn exit_if_ending_on_signal() {
    let signal = ENDING_SIGNAL.load(Ordering::SeqCst);
    if signal != 0 {
        std::process::exit(128 + signal);
    }
}
