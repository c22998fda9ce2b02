"""Runs a command in a pseudo-terminal, answers its prompts, and presses Ctrl-C at one.

usage: pty_interrupt.py SCRIPT_JSON COMMAND [ARGS...]
SCRIPT_JSON is a list of [expected_text, reply]: wait until the terminal has shown
expected_text (since the previous match), then type reply and Enter; a reply of "\x03"
is Ctrl-C alone, with no Enter after it. The command runs under `sh`, which then prints
"[exit N]" and `stty -a`, so the caller sees the exit code and whether the command left
the terminal as it found it (echo on, canonical mode). Prints the whole transcript;
exits 99 when an expected text never shows or the command does not end within
STOP_SECONDS of the last reply.
"""
import json, os, pty, select, sys, time

STOP_SECONDS = 15
script = json.loads(sys.argv[1])
wrapper = 'trap : INT; "$@"; echo "[exit $?]"; stty -a'
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", wrapper, "sh"] + sys.argv[2:])

transcript = b""
seen = 0

def read_some(timeout):
    global transcript
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    transcript += data
    return True

def fail(why):
    sys.stdout.write(transcript.decode(errors="replace"))
    sys.stdout.write("\n[pty_interrupt: %s]\n" % why)
    os.kill(pid, 9)
    sys.exit(99)

for expected, reply in script:
    deadline = time.time() + 30
    while expected.encode() not in transcript[seen:]:
        if time.time() > deadline or not read_some(0.2):
            fail("never saw %r" % expected)
    seen = transcript.index(expected.encode(), seen) + len(expected)
    time.sleep(0.2)
    os.write(fd, reply.encode() if reply == "\x03" else reply.encode() + b"\r")

deadline = time.time() + STOP_SECONDS
while b"[exit " not in transcript or b"speed" not in transcript[transcript.index(b"[exit "):]:
    if time.time() > deadline:
        fail("the command did not stop within %d s" % STOP_SECONDS)
    if not read_some(0.2):
        break
while read_some(0.2):
    pass
os.waitpid(pid, 0)
sys.stdout.write(transcript.decode(errors="replace"))
