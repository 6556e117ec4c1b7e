"""Download buttons whose files do not stay on the server.

``st.download_button`` keeps a file's bytes in Streamlit's in-memory media store, where anyone who
has its ``/media/...`` URL can fetch it, until two clean-up sweeps after no session shows the
button; a sweep only runs when some page finishes running, so on a quiet server a screening summary
stayed fetchable long after its browser closed. Here each file is made only when its button is
pressed and is deleted from the store ``LINGER_SECONDS`` later, whether or not the browser is still
open. Pressing the button again makes the file again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Final

import streamlit as st
from streamlit import runtime
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

#: Seconds a made file stays fetchable: the browser asks for it as soon as it has the URL (well under
#: a second); the timer only has to outlast that request's arrival, not the download itself.
LINGER_SECONDS: Final = 10.0

log = logging.getLogger("screening.downloads")


def download_button(label: str, make: Callable[[], bytes | str], *, file_name: str, mime: str, key: str,
                    icon: str | None = None, where: DeltaGenerator | None = None,
                    on_made: Callable[[], None] | None = None) -> None:
    """``st.download_button`` (in ``where``, e.g. a column) whose file is made on click and removed
    from the server soon after.

    ``on_click="ignore"``: a download does not rerun the page (the worker's place is kept).
    """

    def produce() -> bytes:
        data = make()
        if on_made is not None:  # e.g. the audit record of an export; never stops the download
            try:
                on_made()
            except Exception:
                log.exception("recording the download %s failed", file_name)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        timer = threading.Timer(LINGER_SECONDS, forget, args=(raw, mime, file_name))
        timer.daemon = True  # never holds the server open at shutdown
        timer.start()
        return raw

    (where or st).download_button(label, produce, file_name=file_name, mime=mime, key=key, icon=icon,
                                  on_click="ignore")


def forget(data: bytes, mime: str, file_name: str) -> bool:
    """Delete a made download from Streamlit's media store; True if the store was reachable.

    Streamlit names a stored download by a hash of its bytes, type and file name; ``load_and_get_id``
    with the same three gives that name (it adds nothing while the file is there; if Streamlit's sweep
    already dropped it, the copy it adds is deleted at once), so exactly this file goes. Streamlit's
    sweep later drops its own bookkeeping entry for it.
    """
    if not runtime.exists():
        return False
    storage = getattr(runtime.get_instance().media_file_mgr, "_storage", None)
    if not isinstance(storage, MemoryMediaFileStorage):  # Streamlit's internals moved: say so in the log
        log.warning("downloads: cannot reach Streamlit's media store; made files stay until its own sweep")
        return False
    storage.delete_file(storage.load_and_get_id(data, mime, MediaFileKind.DOWNLOADABLE, file_name))
    return True
