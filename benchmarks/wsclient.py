"""A session of the app over Streamlit's own websocket protocol, drawing nothing.

What a browser's frontend sends — the first run, a button's trigger, and the live
view's requests for more — and what a page would show of what comes back, so that a
benchmark can load a server with many sessions without spending the machine's cores
on drawing them.

The live view is followed both ways it has worked: the live numbers' element (a
``components.v2`` element keyed ``live_metrics``), whose chunks of frames a page plays
out at their frame rate and asks for the next one when they are about to run out (its
trigger "next", one request in flight), as ``nnviz/ui/assets/live_chart.js`` does; or,
in an app from before it, an ``st.metric`` labelled Iteration refreshed by a fragment's
``run_every`` timer (the frontend's timer: a rerun request every interval).
"""

from __future__ import annotations

import asyncio
import json
import math
import time

COOKIE = "nnviz_replica"  # scripts/serve.sh's sticky cookie
NUMBERS = "live_metrics"  # the live numbers' element key
FRAME_S = 1 / 30  # the page's frame (nnviz.ui.pace.FRAME_S)
MAX_FRAMES = 30  # a request asks for at most this many
RETRY_S = 3.0  # a request unanswered this long is made again
TRIGGER_PREFIX = "$$STREAMLIT_INTERNAL_KEY_"  # a components.v2 element's trigger widget:
# {prefix}_{element id}__events (streamlit.components.v2.bidi_component.main)


def element_key(element_id: str) -> str:
    """The user key at the end of a keyed element's id ("…-live_metrics")."""
    return element_id.rsplit("-", 1)[-1]


class WsSession:
    """One session: opened with the first run, then driven by ``set_playing``.

    ``updates`` counts the Iteration updates a page would show (each frame whose
    Iteration moved, or each refresh of the metric), ``runs`` the runs the server
    finished for it."""

    def __init__(self, url: str, route: str | None, query: str = ""):
        self.url, self.route, self.query = url, route, query.lstrip("?")
        self.page_hash = ""
        self.play_id = self.play_label = None
        self.iteration = 0
        self.updates = 0
        self.runs = 0
        self.timers: dict = {}  # an older app's fragment timers
        self.ws = None
        self.reader = None
        # the live numbers: where to ask for more, and the frames held
        self.live: tuple[str, str] | None = None  # (fragment id, trigger widget id)
        self.sid = None
        self.chunk = 0
        self.shown = None
        self.end = 0.0  # when the frames received so far have played out (monotonic)
        self.more = False
        self.wait = 0.15  # seconds a request has lately taken to be answered
        self.inflight: float | None = None
        self.asker: asyncio.Task | None = None

    # ------------------------------------------------------------- what is sent
    def _rerun(self, fragment_id: str = "", triggers=(), json_triggers=None) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = not json_triggers
        for widget in triggers:
            w = state.widget_states.widgets.add()
            w.id = widget
            w.trigger_value = True
        for widget, payloads in (json_triggers or {}).items():
            w = state.widget_states.widgets.add()
            w.id = widget
            w.json_trigger_value = json.dumps(payloads)
        return msg.SerializeToString()

    async def open(self) -> None:
        import websockets

        headers = {"Cookie": f"{COOKIE}={self.route}"} if self.route else {}
        self.ws = await websockets.connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            origin=self.url,
            additional_headers=headers,
            max_size=None,
            compression=None,
            open_timeout=60,
        )
        self.reader = asyncio.create_task(self._read())
        await self.ws.send(self._rerun())
        await self.wait_for(lambda: self.runs and self.play_id)

    # ------------------------------------------------------------- what comes back
    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        async for data in self.ws:
            msg = ForwardMsg.FromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, msg.delta.fragment_id)
            elif kind == "auto_rerun":
                fid = msg.auto_rerun.fragment_id
                if fid not in self.timers:
                    self.timers[fid] = asyncio.create_task(
                        self._every(fid, msg.auto_rerun.interval)
                    )
            elif kind == "stop_auto_rerun":
                for fid in msg.stop_auto_rerun.fragment_ids:
                    self._cancel(fid)
            elif kind == "script_finished":
                self.runs += 1

    def _element(self, el, fragment_id: str) -> None:
        what = el.WhichOneof("type")
        if what == "button" and el.button.label in ("Play", "Pause"):
            self.play_id, self.play_label = el.button.id, el.button.label
        elif what == "metric" and el.metric.label == "Iteration":  # an older app
            self.iteration = int(el.metric.body.replace(",", ""))
            self.updates += 1
        elif what == "bidi_component" and element_key(el.bidi_component.id) == NUMBERS:
            trigger = f"{TRIGGER_PREFIX}_{el.bidi_component.id}__events"
            self.live = (fragment_id, trigger)
            self._numbers(json.loads(el.bidi_component.bytes))

    def _numbers(self, message: dict) -> None:
        """A chunk of the live numbers: played out from when the frames held end (at
        once when ``now``), and the next one asked for in time."""
        if message["sid"] == self.sid and message["chunk"] <= self.chunk:
            return
        self.sid, self.chunk = message["sid"], message["chunk"]
        for values in message["values"]:
            if values[0] != self.shown:
                self.shown = values[0]
                self.updates += 1
        self.iteration = int(self.shown.replace(",", ""))
        now = time.monotonic()
        start = now if message["now"] else max(now, self.end)
        self.end = start + message["frames"] * message["frame_ms"] / 1000
        self.more = bool(message["more"])
        if self.inflight is not None:
            self.wait = 0.7 * self.wait + 0.3 * (now - self.inflight)
            self.inflight = None
        if self.asker is not None:
            self.asker.cancel()
            self.asker = None
        if self.more:
            self.asker = asyncio.create_task(self._ask())

    async def _ask(self) -> None:
        """When the frames held are about to run out: ask for the next chunk (again
        if no answer comes)."""
        await asyncio.sleep(max(0.0, self.end - self.wait - FRAME_S - time.monotonic()))
        while self.more and self.live:
            frames = min(MAX_FRAMES, math.ceil(1.25 * self.wait / FRAME_S))
            payload = [{"event": "next", "value": {"chunk": self.chunk, "frames": frames}}]
            self.inflight = time.monotonic()
            fragment_id, trigger = self.live
            await self.ws.send(self._rerun(fragment_id, json_triggers={trigger: payload}))
            await asyncio.sleep(max(RETRY_S, 3 * self.wait))

    async def _every(self, fragment_id: str, interval: float) -> None:
        """An older app's fragment with run_every: the frontend's timer."""
        while True:
            await asyncio.sleep(interval)
            await self.ws.send(self._rerun(fragment_id))

    def _cancel(self, fragment_id: str) -> None:
        task = self.timers.pop(fragment_id, None)
        if task:
            task.cancel()

    # ------------------------------------------------------------- driving it
    async def wait_for(self, condition, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.reader.done():
                raise RuntimeError(f"the session's socket closed: {self.reader.exception()}")
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not answer the session in time")
            await asyncio.sleep(0.02)

    async def set_playing(self, playing: bool) -> None:
        label = "Pause" if playing else "Play"
        if self.play_label == label:
            return
        for fid in list(self.timers):  # a full run: the frontend drops its timers
            self._cancel(fid)
        await self.ws.send(self._rerun(triggers=[self.play_id]))
        await self.wait_for(lambda: self.play_label == label)

    async def close(self) -> None:
        for fid in list(self.timers):
            self._cancel(fid)
        if self.asker is not None:
            self.asker.cancel()
        if self.ws is not None:
            await self.ws.close()
