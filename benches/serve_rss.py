#!/usr/bin/env python3
"""Size and memory of a tgmcp binary as an MCP server on the demo: binary size, peak RSS
of `tgmcp --sandbox serve` idle after initialize (median of 5 processes) and after 1,000
get_chat_info calls. Loopback and a temp TGMCP_HOME only.

    python3 benches/serve_rss.py target/release/tgmcp
"""
import json, os, shutil, subprocess, sys, time, tempfile
binary = sys.argv[1]
home = tempfile.mkdtemp()
env = dict(os.environ, TGMCP_HOME=home)
# As a user runs it: a backtrace variable makes errors capture (and touch) more code.
for var in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE", "RUST_LOG", "TGMCP_PROFILE"):
    env.pop(var, None)
subprocess.run([binary, "--sandbox", "health"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
res = []
for _ in range(5):
    p = subprocess.Popen([binary, "--sandbox", "serve"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    def send(m): p.stdin.write((json.dumps(m) + "\n").encode()); p.stdin.flush()
    send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"m","version":"1"}}})
    p.stdout.readline()
    send({"jsonrpc":"2.0","method":"notifications/initialized"})
    time.sleep(1.0)
    idle = int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmHWM")][0].split()[1])
    for i in range(1000):
        send({"jsonrpc":"2.0","id":i+2,"method":"tools/call","params":{"name":"get_chat_info","arguments":{"chat_id":"me"}}})
        p.stdout.readline()
    after = int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmHWM")][0].split()[1])
    p.stdin.close(); p.wait()
    res.append((idle, after))
subprocess.run([binary, "--sandbox", "reset"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
shutil.rmtree(home, ignore_errors=True)
res.sort()
print("size MiB %.1f" % (os.path.getsize(binary)/1048576), "idle MiB (median of 5) %.1f" % (res[2][0]/1024), "after 1000 calls %.1f" % (sorted(r[1] for r in res)[2]/1024))
