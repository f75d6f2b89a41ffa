#pragma once

namespace pgu {

// SIGINT, SIGTERM and SIGHUP (a dropped SSH session) do not kill the helper in the middle of a
// step: the first one asks the pipeline to stop at the next safe point; a second one also
// terminates the children running now, so the current step fails at once.
void install_stop_handlers();
bool stop_requested();
int stop_signal();

} // namespace pgu
