"""Live reload: a running server picks up edits to its scenario directories.

The watcher polls file sizes and modification times (cheap for a handful of
small files, and needs no platform file-notification support), rebuilds the
whole catalog in a worker thread when anything changed, and installs it on
the event loop only when every file is valid.  An invalid edit is logged with
its ``file:line:col`` problems and the last good set keeps serving; a file
that cannot be read as one (a link out of its directory, a pipe, a file
that cannot be opened) is such a problem too, so a scenario never vanishes
with its keys while the log says all is well.
"""

from __future__ import annotations

import asyncio
import logging

from portal_mock.engine.state import MockState
from portal_mock.scenarios.library import CatalogError, fingerprint, load_catalog

log = logging.getLogger("portal_mock")


async def watch_scenarios(state: MockState, interval: float = 0.25) -> None:
    dirs = state.catalog.user_dirs
    seen = fingerprint(dirs)
    while True:
        await asyncio.sleep(interval)
        current = await asyncio.to_thread(fingerprint, dirs)
        if current == seen:
            continue
        seen = current
        try:
            catalog = await asyncio.to_thread(load_catalog, dirs)
        except CatalogError as error:
            log.error("scenario files changed but are invalid; still serving the last good set:\n%s", error)
            state.reload_error = str(error)
            continue
        state.reload_error = None
        state.install(catalog)
        log.warning("scenarios reloaded: %s", ", ".join(catalog.names))
