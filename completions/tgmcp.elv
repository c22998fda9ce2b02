
use builtin;
use str;

set edit:completion:arg-completer[tgmcp] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tgmcp'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tgmcp'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Log in to Telegram and save the session for this profile'
            cand serve 'Run the MCP server over stdio, or over HTTP with --http'
            cand health 'Check the session and the connection to Telegram'
            cand search 'Search messages in all your chats, or list and search one chat'
            cand send 'Send a text message or files, from arguments or stdin'
            cand download 'Save the photo or file of a message'
            cand invoke 'Call any Telegram API method by name, with JSON parameters'
            cand reset 'Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token'
            cand sandbox 'Run the offline sandbox data center on loopback (for tests and demos)'
            cand generate 'Print the man page or shell completions (for packagers; the repository commits both)'
            cand chats 'List your chats, or only those with unread messages (--unread)'
            cand read 'Show a chat''s messages, oldest first, and optionally mark them read'
            cand watch 'Print new messages as they arrive, until interrupted'
            cand accounts 'List, remove or give a new token to the accounts of a hosted server''s folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tgmcp;setup'= {
            cand --api-id 'api_id of your app, from https://my.telegram.org'
            cand --api-hash 'api_hash of your app, from https://my.telegram.org'
            cand --phone 'Phone number of the account, in international format (+15551234567)'
            cand --code 'Login code Telegram sent to the account''s apps or by SMS'
            cand --password 'Two-step verification password; prefer the variable or the prompt, as other users can see command-line flags in the process list'
            cand --import-telethon 'Log in with an existing Telethon session instead of a code: the path of a `.session` file (as fast-mcp-telegram and Telethon scripts keep them) or a StringSession. Its DC and auth key are checked with Telegram, then saved in the profile; the Telethon session keeps working too'
            cand --accounts 'Make (or log in again) an account of a hosted server''s folder DIR instead of a profile: the account is named by --profile, its session and bearer token kept in DIR/NAME for `tgmcp serve --http --accounts DIR` (a running server picks it up)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --overwrite 'Replace the profile''s existing session (logging in again)'
            cand --rotate-token 'Replace the profile''s HTTP bearer token with a new one and print the HTTP client configurations; no login needed (servers already running keep the old token until restarted)'
            cand --qr 'Log in by scanning a QR code with Telegram on a phone that is logged in (Settings → Devices → Link Desktop Device) instead of typing a code. Without a terminal it prints {"next":"qr","url":"tg://login?token=…","expires":…} and exits 10: show the URL as a QR code, scan it, then run `tgmcp setup --qr` again'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;serve'= {
            cand --tools 'Offer only these tools (names separated by commas)'
            cand --max-writes-per-minute 'Most writes (sends, edits, invoke_mtproto writers) per minute for this account, so a runaway assistant cannot get it limited by Telegram; over it a call fails with retry_after and sends nothing. 0 turns the limit off'
            cand --file-root 'Let tools read local files only inside this folder (repeatable; symlinks that lead outside are refused). Without it, any file this user can read. Over --http, local files are always refused'
            cand --download-dir 'Where download_media saves files [default on stdio: the user''s Downloads folder; over --http, download_media is refused unless this is set]'
            cand --max-file-size 'Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)'
            cand --http 'Serve MCP over streamable HTTP on this address instead of stdio [default when given alone: 127.0.0.1:8000]'
            cand --allow-host 'Also accept requests whose Host header names this host (the name clients use to reach the server, e.g. behind a reverse proxy): HOST (any port), HOST:PORT, [IPv6] or [IPv6]:PORT; repeat or separate with commas'
            cand --max-body-bytes 'Largest request body accepted, in bytes (larger: 413)'
            cand --max-concurrent 'MCP requests handled at once (more: 503)'
            cand --request-timeout 'Longest an MCP request may take, in seconds (longer: a timeout error)'
            cand --header-timeout 'Seconds a connection has to send a whole request head, from when it opens or its next request starts (slower: closed)'
            cand --idle-timeout 'Seconds a kept-alive connection may wait with no request before it is closed'
            cand --max-connections 'Connections open at once (lowered to fit the descriptor limit, `ulimit -n`). At the cap, the connection that has waited longest with no request is closed to make room; when all are busy, a new one is answered 503'
            cand --accounts 'Hosted mode: serve every account in DIR (made by `tgmcp setup --accounts DIR`), each bearer token its own account and session'
            cand --max-active-sessions 'Hosted mode: accounts connected to Telegram at once; past it, the least recently used is disconnected (its calls finished, its session written)'
            cand --session-idle-timeout 'Hosted mode: seconds an account may go unused before it is disconnected'
            cand --account-max-concurrent 'Hosted mode: requests one account may have running at once (more: 503), so one account cannot take every slot of --max-concurrent'
            cand --web-setup-expiry 'Seconds a /setup login may take before it must start over (at most 15 minutes)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --read-only 'Offer only the tools that read: hide send_message, edit_message and send_message_to_phone, and refuse them if called; invoke_mtproto then runs only methods that change nothing'
            cand --allow-dangerous-methods 'Let callers run methods that cannot be undone (deleting messages, chats, the account''s sessions …) through invoke_mtproto and /mtproto-api when they also set allow_dangerous. Off by default: a model can be talked into setting allow_dangerous by a message it reads, so the person who starts the server decides'
            cand --drafts 'Draft mode: send_message saves the text as a draft in the chat instead of sending it; the user sees it in their Telegram app and sends it themselves'
            cand --confirm-writes 'Ask the user before each write (send, edit, invoke_mtproto writers) with a yes/no form in the MCP client (elicitation); a decline sends nothing. Clients that cannot ask get a refusal — use --drafts for those'
            cand --allow-http-urls 'Also fetch plain http:// URLs (default: https only)'
            cand --allow-private-urls 'Let URLs reach loopback, private, link-local and other internal addresses (and cloud metadata services). Off by default so a URL cannot reach into your network; turn it on only if you mean it'
            cand --no-auth 'Serve without a bearer token; allowed on a loopback address only'
            cand --metrics-public 'Serve /metrics without the bearer token'
            cand --allow-url-token 'Also take the token in the path, /v1/url_auth/TOKEN/mcp, for clients that cannot send headers. Weaker: URLs end up in proxy logs, browser history and shell history (tgmcp itself never logs the token)'
            cand --web-setup 'Serve a login page at /setup: phone, code and 2FA password (or a QR code), then the MCP client configurations with the token. In hosted mode each login makes a new account; "Reauthorize" logs an account in again and keeps its token. Expose it beyond loopback only behind TLS, on a name given with --allow-host'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;health'= {
            cand --timeout 'Give up after this many seconds'
            cand --url 'Probe a running `tgmcp serve --http` at this URL (its /health and /ready) instead of the profile; exit 0 when both answer 200, 1 otherwise'
            cand --bundle 'Write a diagnostic archive (.tar.gz) for a bug report instead: version, platform, settings and the health checks (and with --url the server''s /health, /ready and /metrics), every secret taken out. Never overwrites'
            cand --log 'With --bundle: add the end of this log file (its secrets taken out too)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;search'= {
            cand -c 'Search only this chat: me, @username, the exact name of one of your chats ("Rust Berlin"), a t.me link, a numeric id (-100… for channels and supergroups) or +phone of a contact'
            cand --chat 'Search only this chat: me, @username, the exact name of one of your chats ("Rust Berlin"), a t.me link, a numeric id (-100… for channels and supergroups) or +phone of a contact'
            cand --from 'Only messages sent by this person (with --chat); the same forms as CHAT'
            cand --since 'Only messages sent at or after DATE: 2024-05-01, 2024-05-01T10:00, or how long ago: 30m, 12h, 7d, 2w, today, yesterday (local time unless DATE has an offset)'
            cand --until 'Only messages sent at or before DATE (same forms; a bare date includes that whole day)'
            cand --type 'Only chats of this type (not with --chat)'
            cand -n 'Show at most N messages, newest first'
            cand --limit 'Show at most N messages, newest first'
            cand --cursor 'Continue a search where an earlier one stopped: the `cursor` of its --json output, with the same QUERY and --chat'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --all 'Fetch every match, page after page (a spinner on stderr shows progress at a terminal)'
            cand --jsonl 'Print one JSON message per line (JSON Lines), for pipes; overrides --json'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;send'= {
            cand --reply-to 'Reply to the message with this id in CHAT, or to the message a link names (https://t.me/name/123; it must be in CHAT). On a post of a channel with comments, the reply is a comment in its discussion group'
            cand --max-parts 'Split a long text into at most this many messages; a longer text (or a longer stdin) is refused before anything is sent'
            cand --max-wait 'Wait out a flood wait of up to this many seconds (in all); Telegram asking for a longer one exits 1, naming the wait'
            cand --timeout 'Give up when Telegram does not answer a request within this many seconds (exit 4)'
            cand -f 'Attach a file: a local path, an https URL or a data: URI (repeatable). Several go as albums where Telegram allows; TEXT becomes the caption'
            cand --file 'Attach a file: a local path, an https URL or a data: URI (repeatable). Several go as albums where Telegram allows; TEXT becomes the caption'
            cand --max-file-size 'Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --markdown 'Format the text as Markdown: **bold**, *italic*, `code`, [text](https://…)'
            cand --html 'Format the text as HTML: <b>, <i>, <u>, <s>, <code>, <pre>, <a href="…">'
            cand --silent 'Deliver without a notification sound'
            cand --no-preview 'Do not show a link preview'
            cand --as-document 'Send images as files (documents) instead of photos'
            cand --allow-http-urls 'Also fetch plain http:// URLs (default: https only)'
            cand --allow-private-urls 'Let URLs reach loopback, private, link-local and other internal addresses (and cloud metadata services). Off by default so a URL cannot reach into your network; turn it on only if you mean it'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;download'= {
            cand -o 'Where to save: an existing folder (the file keeps its own name) or a file name. By default the current folder. An existing file is never overwritten'
            cand --output 'Where to save: an existing folder (the file keeps its own name) or a file name. By default the current folder. An existing file is never overwritten'
            cand --timeout 'Seconds to wait for Telegram before giving up (exit 4)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;invoke'= {
            cand --list 'List the API''s methods (those starting with PREFIX, e.g. `messages.`)'
            cand --describe 'Print a method''s parameters (types, flags) and what it returns'
            cand --timeout 'Give up when Telegram does not answer within this many seconds (exit 4)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --allow-dangerous 'Allow methods that cannot be undone (deleting messages, chats, sessions …)'
            cand --allow-secrets 'Allow methods that handle login secrets or grant access to the account (auth.exportAuthorization, account.getPassword …); their answer is printed. Only from a terminal'
            cand --no-resolve 'Do not turn chat references (me, @username, ids) into input peers'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;reset'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;sandbox'= {
            cand --listen 'Address to listen on; port 0 picks a free one'
            cand --demo-home 'Play the demo that `--sandbox` commands share, announcing it in this folder (how the first `--sandbox` command starts it in the background)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;generate'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand man 'The man page, in roff (man/tgmcp.1)'
            cand completions 'Completions for a shell (completions/)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tgmcp;generate;man'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;generate;completions'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;generate;help'= {
            cand man 'The man page, in roff (man/tgmcp.1)'
            cand completions 'Completions for a shell (completions/)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tgmcp;generate;help;man'= {
        }
        &'tgmcp;generate;help;completions'= {
        }
        &'tgmcp;generate;help;help'= {
        }
        &'tgmcp;chats'= {
            cand --type 'Only chats of this type'
            cand -n 'Show at most N chats'
            cand --limit 'Show at most N chats'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --unread 'Only chats with unread messages (muted and archived ones included), newest first'
            cand --jsonl 'Print one JSON chat per line (JSON Lines), for pipes; overrides --json'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;read'= {
            cand -n 'Show at most N messages: the latest ones, or with --unread the oldest unread ones'
            cand --limit 'Show at most N messages: the latest ones, or with --unread the oldest unread ones'
            cand --topic 'Only this forum topic (`tgmcp read CHAT` of a forum lists messages of all topics)'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --unread 'Only the messages you have not read yet (the oldest ones first)'
            cand --mark-read 'Then mark the chat (or topic) read up to the newest message shown'
            cand --jsonl 'Print one JSON message per line (JSON Lines), for pipes; overrides --json'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;watch'= {
            cand --timeout 'Stop after this many seconds'
            cand --count 'Stop after this many messages'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --jsonl 'Print one JSON message per line (JSON Lines), for pipes'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;accounts'= {
            cand --accounts 'The hosted server''s accounts folder'
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every account: its name, whether it has a login, whether it has a token'
            cand remove 'Delete an account''s folder: its session and token (it can no longer be used)'
            cand rotate-token 'Replace an account''s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tgmcp;accounts;list'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;accounts;remove'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;accounts;rotate-token'= {
            cand --profile 'Profile to use: one Telegram account, with its own session and settings'
            cand --config 'Config file to read instead of the default one (which is optional)'
            cand --env-file 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file'
            cand --log-format 'Format of the logs on stderr'
            cand --json 'Print machine-readable JSON on stdout instead of text'
            cand --sandbox 'Run against a built-in offline Telegram with demo chats; no account or network needed'
            cand -v 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'Log more on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Log only errors, and hide progress'
            cand --quiet 'Log only errors, and hide progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tgmcp;accounts;help'= {
            cand list 'Every account: its name, whether it has a login, whether it has a token'
            cand remove 'Delete an account''s folder: its session and token (it can no longer be used)'
            cand rotate-token 'Replace an account''s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tgmcp;accounts;help;list'= {
        }
        &'tgmcp;accounts;help;remove'= {
        }
        &'tgmcp;accounts;help;rotate-token'= {
        }
        &'tgmcp;accounts;help;help'= {
        }
        &'tgmcp;help'= {
            cand setup 'Log in to Telegram and save the session for this profile'
            cand serve 'Run the MCP server over stdio, or over HTTP with --http'
            cand health 'Check the session and the connection to Telegram'
            cand search 'Search messages in all your chats, or list and search one chat'
            cand send 'Send a text message or files, from arguments or stdin'
            cand download 'Save the photo or file of a message'
            cand invoke 'Call any Telegram API method by name, with JSON parameters'
            cand reset 'Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token'
            cand sandbox 'Run the offline sandbox data center on loopback (for tests and demos)'
            cand generate 'Print the man page or shell completions (for packagers; the repository commits both)'
            cand chats 'List your chats, or only those with unread messages (--unread)'
            cand read 'Show a chat''s messages, oldest first, and optionally mark them read'
            cand watch 'Print new messages as they arrive, until interrupted'
            cand accounts 'List, remove or give a new token to the accounts of a hosted server''s folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tgmcp;help;setup'= {
        }
        &'tgmcp;help;serve'= {
        }
        &'tgmcp;help;health'= {
        }
        &'tgmcp;help;search'= {
        }
        &'tgmcp;help;send'= {
        }
        &'tgmcp;help;download'= {
        }
        &'tgmcp;help;invoke'= {
        }
        &'tgmcp;help;reset'= {
        }
        &'tgmcp;help;sandbox'= {
        }
        &'tgmcp;help;generate'= {
            cand man 'The man page, in roff (man/tgmcp.1)'
            cand completions 'Completions for a shell (completions/)'
        }
        &'tgmcp;help;generate;man'= {
        }
        &'tgmcp;help;generate;completions'= {
        }
        &'tgmcp;help;chats'= {
        }
        &'tgmcp;help;read'= {
        }
        &'tgmcp;help;watch'= {
        }
        &'tgmcp;help;accounts'= {
            cand list 'Every account: its name, whether it has a login, whether it has a token'
            cand remove 'Delete an account''s folder: its session and token (it can no longer be used)'
            cand rotate-token 'Replace an account''s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)'
        }
        &'tgmcp;help;accounts;list'= {
        }
        &'tgmcp;help;accounts;remove'= {
        }
        &'tgmcp;help;accounts;rotate-token'= {
        }
        &'tgmcp;help;help'= {
        }
    ]
    $completions[$command]
}
