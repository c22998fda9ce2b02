#!/usr/bin/env python3
"""Lists the functions a typical `tgmcp serve` session runs, for the linker to place together
(build.rs passes the list to lld as --symbol-ordering-file in release builds).

Why: the kernel maps a binary's code in 64 KiB windows around each page first touched
(fault-around), and the ~2,000 functions a session runs, scattered over 9 MiB of code,
touch most of it. Placed side by side they fill about 27 windows: idle `serve` RSS went
from 12.4 MiB to about 7 (benches/REPORT.md).

    TGMCP_LINK_MAP=/tmp/tgmcp.map cargo build --release
    python3 scripts/hot_symbols.py target/release/tgmcp /tmp/tgmcp.map > scripts/hot-symbols.txt
    cargo build --release   # relinks with the new list

The session runs under valgrind's callgrind against the offline sandbox (loopback and a
temp TGMCP_HOME only): start-up, initialize, tools/list, and each read-only tool a few
times. The binary is the stripped release one; the linker's map names the functions at
the addresses callgrind saw. Symbol names carry hashes of the build's settings
(Cargo.lock, profile, toolchain), so regenerate the list when those change; until then the
linker skips the names it no longer has and the memory figure drifts back up.
"""
import bisect, json, os, re, shutil, subprocess, sys, tempfile

binary = os.path.abspath(sys.argv[1])
link_map = sys.argv[2]
home = tempfile.mkdtemp()
out = os.path.join(home, "callgrind.out")
env = dict(os.environ, TGMCP_HOME=home)
for var in ("TGMCP_PROFILE", "RUST_BACKTRACE", "RUST_LIB_BACKTRACE", "RUST_LOG"):
    env.pop(var, None)
quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    subprocess.run([binary, "--sandbox", "health"], env=env, check=True, **quiet)
    p = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--dump-instr=yes", f"--callgrind-out-file={out}",
         binary, "--sandbox", "serve"],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ids = iter(range(1, 1_000_000))

    def ask(method, params):
        message = {"jsonrpc": "2.0", "id": next(ids), "method": method, "params": params}
        p.stdin.write((json.dumps(message) + "\n").encode())
        p.stdin.flush()
        answer = json.loads(p.stdout.readline())
        assert "result" in answer, answer

    ask("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "hot-symbols", "version": "1"}})
    p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    ask("tools/list", {})
    calls = [
        ("get_chat_info", {"chat_id": "me"}),
        ("find_chats", {"query": "rust"}),
        ("search_messages_in_chat", {"chat_id": "me", "limit": 5}),
        ("search_messages_globally", {"query": "invoice"}),
        ("read_messages", {"chat_id": "me", "message_ids": [1]}),
    ]
    for _ in range(3):
        for name, arguments in calls:
            ask("tools/call", {"name": name, "arguments": arguments})
    p.stdin.close()
    p.wait()

    # Every instruction run, by address: with --dump-instr=yes each cost line starts with
    # one (`0x…`, or `+N`/`-N` from the last, or `*` for the same), under `ob=` for the
    # object of the function it is in. Functions, not entry points: code reached by a
    # jump (a tail call) counts too.
    objects, addresses = {}, set()
    ob, address = None, 0
    define = re.compile(r"^(c?ob)=\((\d+)\)(?: (.*))?$")
    for line in open(out, encoding="utf-8", errors="replace"):
        first = line[:1]
        if first in "0123456789+-*":
            position = line.split(None, 1)[0]
            if position.startswith("0x"):
                address = int(position, 16)
            elif position[0] in "+-":
                address += int(position)
            if ob == binary:
                addresses.add(address)
            continue
        m = define.match(line.rstrip("\n"))
        if not m:
            continue
        kind, key, name = m.groups()
        if name is not None:
            objects[key] = name
        if kind == "ob":
            ob = objects.get(key)

    # lld's map: `VMA LMA SIZE ALIGN` then an input section `file:(.text.NAME)`, followed
    # by the symbols defined in it, one per line, indented further.
    sections = []  # (start, end, [symbols])
    for line in open(link_map, encoding="utf-8", errors="replace"):
        fields = line.split(None, 4)
        if len(fields) < 5 or not re.fullmatch(r"[0-9a-f]+", fields[0]):
            continue
        start, size, rest = int(fields[0], 16), int(fields[2], 16), fields[4].strip()
        if ":(.text" in rest:
            sections.append((start, start + size, []))
        elif sections and " " not in rest and sections[-1][0] <= start < sections[-1][1]:
            sections[-1][2].append(rest)
    sections.sort()
    starts = [s[0] for s in sections]
    seen = set()
    for address in sorted(addresses):
        i = bisect.bisect_right(starts, address) - 1
        if i < 0 or address >= sections[i][1]:
            continue
        for symbol in sections[i][2]:
            if symbol not in seen:
                seen.add(symbol)
                print(symbol)
finally:
    subprocess.run([binary, "--sandbox", "reset"], env=env, **quiet)
    shutil.rmtree(home, ignore_errors=True)
