#!/usr/bin/env python3
"""Start the real TensorBoard on 127.0.0.1, wait for it to load, fetch URLs, stop it by pid.

Usage: tb_query.py LOGDIR LOAD_FAST(true|false) WAIT_SPEC URL [URL...]
WAIT_SPEC is "plugin:run:tag[,plugin:run:tag...]": the script polls
/data/plugin/<plugin>/tags until each run lists the tag (bounded: 120 s), then fetches every URL
(path relative to the server root) and prints one JSON object {url: response} on stdout.
Binary responses (images, audio) are returned base64-encoded under {"base64": ...}.
"""
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

DEADLINE_SECONDS = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, path):
    """GET a path; "POST:<path>|<json>" posts JSON (hparams); "IMAGE:<run>|<tag>" fetches the first
    image of a series and returns its decoded pixels (Pillow; for an animated GIF the frame count
    and every frame's RGB pixels); "AUDIO:<run>|<tag>" fetches the first clip of a series and
    returns its content type and bytes (base64)."""
    if path.startswith("IMAGE:"):
        run, tag = path[6:].split("|", 1)
        q = urllib.parse.urlencode({"run": run, "tag": tag})
        entries = fetch(port, f"/data/plugin/images/images?{q}")
        raw = fetch(port, "/data/plugin/images/individualImage?" + entries[0]["query"])
        from PIL import Image, ImageSequence
        import io
        image = Image.open(io.BytesIO(base64.b64decode(raw["base64"])))
        result = {"size": list(image.size), "mode": image.mode, "format": image.format, "content_type": raw["content_type"],
                  "pixels": [list(p) if isinstance(p, tuple) else p for p in image.getdata()], "step": entries[0]["step"]}
        if image.format == "GIF":
            result["frames"] = [[list(p) for p in frame.convert("RGB").getdata()] for frame in ImageSequence.Iterator(image)]
            result["durations"] = [frame.info.get("duration") for frame in ImageSequence.Iterator(image)]
            result["loop"] = image.info.get("loop")
        return result
    if path.startswith("AUDIO:"):
        run, tag = path[6:].split("|", 1)
        q = urllib.parse.urlencode({"run": run, "tag": tag})
        entries = fetch(port, f"/data/plugin/audio/audio?{q}")
        raw = fetch(port, "/data/plugin/audio/individualAudio?" + entries[0]["query"])
        return {"content_type": raw["content_type"], "base64": raw["base64"], "step": entries[0]["step"], "label": entries[0].get("label")}
    request = None
    if path.startswith("POST:"):
        target, body = path[5:].split("|", 1)
        request = urllib.request.Request(f"http://127.0.0.1:{port}{target}", data=body.encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request or f"http://127.0.0.1:{port}{path}", timeout=20) as response:
        body = response.read()
        kind = response.headers.get("Content-Type", "")
    if "json" in kind:
        return json.loads(body)
    if kind.startswith("text/"):
        return body.decode("utf-8", "replace")
    return {"base64": base64.b64encode(body).decode("ascii"), "content_type": kind}


def tags_ready(port, plugin, run, tag):
    try:
        tags = fetch(port, f"/data/plugin/{plugin}/tags")
    except Exception:
        return False
    if plugin == "hparams":
        return True
    entry = tags.get(run) if isinstance(tags, dict) else None
    if entry is None:
        return False
    return tag in entry


def main():
    logdir, load_fast, wait_spec, urls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    port = free_port()
    tensorboard = os.path.join(os.path.dirname(sys.executable), "tensorboard")
    process = subprocess.Popen(
        [tensorboard, "--logdir", logdir, "--host", "127.0.0.1", "--port", str(port),
         f"--load_fast={load_fast}", "--reload_interval", "1", "--samples_per_plugin",
         "scalars=100000,images=100,histograms=1000,text=1000,audio=100,pr_curves=1000,mesh=100"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + DEADLINE_SECONDS
        waits = [w.split(":", 2) for w in wait_spec.split(",") if w]
        while time.time() < deadline:
            if process.poll() is not None:
                raise SystemExit("tensorboard exited early: " + process.stderr.read().decode()[-2000:])
            if all(tags_ready(port, p, r, t) for p, r, t in waits):
                break
            time.sleep(0.5)
        else:
            raise SystemExit(f"tensorboard did not show {wait_spec} within {DEADLINE_SECONDS} s")
        time.sleep(1.5)  # one more reload cycle so every point of the file is committed
        result = {url: fetch(port, url) for url in urls}
        print(json.dumps(result))
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


if __name__ == "__main__":
    main()
