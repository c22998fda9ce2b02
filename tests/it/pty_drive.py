"""Runs a command in a pseudo-terminal and answers its prompts, like a person would.

usage: pty_drive.py SCRIPT_JSON COMMAND [ARGS...]
SCRIPT_JSON is a list of [expected_text, reply]: wait until the terminal has shown
expected_text (since the previous match), then type reply and Enter. Prints the whole
transcript and exits with the command's exit code (or 99 on a timeout). With
PTY_DRIVE_LOG=FILE, the transcript is also appended to FILE as it arrives, so a test can
act on what the terminal shows while the command runs.
"""
import json, os, pty, select, sys, time

script = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

transcript = b""
seen = 0
log_path = os.environ.get("PTY_DRIVE_LOG")

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
    if log_path:
        with open(log_path, "ab") as log:
            log.write(data)
    return True

for expected, reply in script:
    deadline = time.time() + 30
    while expected.encode() not in transcript[seen:]:
        if time.time() > deadline or not read_some(0.2):
            sys.stdout.write(transcript.decode(errors="replace"))
            sys.stdout.write("\n[pty_drive: never saw %r]\n" % expected)
            os.kill(pid, 9)
            sys.exit(99)
    seen = transcript.index(expected.encode(), seen) + len(expected)
    time.sleep(0.05)
    os.write(fd, reply.encode() + b"\r")

deadline = time.time() + 30
while time.time() < deadline and read_some(0.2):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(transcript.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
