
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tgmcp' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tgmcp'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tgmcp' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Log in to Telegram and save the session for this profile')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the MCP server over stdio, or over HTTP with --http')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check the session and the connection to Telegram')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search messages in all your chats, or list and search one chat')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a text message or files, from arguments or stdin')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Save the photo or file of a message')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Call any Telegram API method by name, with JSON parameters')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run the offline sandbox data center on loopback (for tests and demos)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the man page or shell completions (for packagers; the repository commits both)')
            [CompletionResult]::new('chats', 'chats', [CompletionResultType]::ParameterValue, 'List your chats, or only those with unread messages (--unread)')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Show a chat''s messages, oldest first, and optionally mark them read')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Print new messages as they arrive, until interrupted')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'List, remove or give a new token to the accounts of a hosted server''s folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tgmcp;setup' {
            [CompletionResult]::new('--api-id', '--api-id', [CompletionResultType]::ParameterName, 'api_id of your app, from https://my.telegram.org')
            [CompletionResult]::new('--api-hash', '--api-hash', [CompletionResultType]::ParameterName, 'api_hash of your app, from https://my.telegram.org')
            [CompletionResult]::new('--phone', '--phone', [CompletionResultType]::ParameterName, 'Phone number of the account, in international format (+15551234567)')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Login code Telegram sent to the account''s apps or by SMS')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Two-step verification password; prefer the variable or the prompt, as other users can see command-line flags in the process list')
            [CompletionResult]::new('--import-telethon', '--import-telethon', [CompletionResultType]::ParameterName, 'Log in with an existing Telethon session instead of a code: the path of a `.session` file (as fast-mcp-telegram and Telethon scripts keep them) or a StringSession. Its DC and auth key are checked with Telegram, then saved in the profile; the Telethon session keeps working too')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'Make (or log in again) an account of a hosted server''s folder DIR instead of a profile: the account is named by --profile, its session and bearer token kept in DIR/NAME for `tgmcp serve --http --accounts DIR` (a running server picks it up)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace the profile''s existing session (logging in again)')
            [CompletionResult]::new('--rotate-token', '--rotate-token', [CompletionResultType]::ParameterName, 'Replace the profile''s HTTP bearer token with a new one and print the HTTP client configurations; no login needed (servers already running keep the old token until restarted)')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Log in by scanning a QR code with Telegram on a phone that is logged in (Settings → Devices → Link Desktop Device) instead of typing a code. Without a terminal it prints {"next":"qr","url":"tg://login?token=…","expires":…} and exits 10: show the URL as a QR code, scan it, then run `tgmcp setup --qr` again')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;serve' {
            [CompletionResult]::new('--tools', '--tools', [CompletionResultType]::ParameterName, 'Offer only these tools (names separated by commas)')
            [CompletionResult]::new('--max-writes-per-minute', '--max-writes-per-minute', [CompletionResultType]::ParameterName, 'Most writes (sends, edits, invoke_mtproto writers) per minute for this account, so a runaway assistant cannot get it limited by Telegram; over it a call fails with retry_after and sends nothing. 0 turns the limit off')
            [CompletionResult]::new('--file-root', '--file-root', [CompletionResultType]::ParameterName, 'Let tools read local files only inside this folder (repeatable; symlinks that lead outside are refused). Without it, any file this user can read. Over --http, local files are always refused')
            [CompletionResult]::new('--download-dir', '--download-dir', [CompletionResultType]::ParameterName, 'Where download_media saves files [default on stdio: the user''s Downloads folder; over --http, download_media is refused unless this is set]')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)')
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve MCP over streamable HTTP on this address instead of stdio [default when given alone: 127.0.0.1:8000]')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Also accept requests whose Host header names this host (the name clients use to reach the server, e.g. behind a reverse proxy): HOST (any port), HOST:PORT, [IPv6] or [IPv6]:PORT; repeat or separate with commas')
            [CompletionResult]::new('--max-body-bytes', '--max-body-bytes', [CompletionResultType]::ParameterName, 'Largest request body accepted, in bytes (larger: 413)')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'MCP requests handled at once (more: 503)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Longest an MCP request may take, in seconds (longer: a timeout error)')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Seconds a connection has to send a whole request head, from when it opens or its next request starts (slower: closed)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a kept-alive connection may wait with no request before it is closed')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once (lowered to fit the descriptor limit, `ulimit -n`). At the cap, the connection that has waited longest with no request is closed to make room; when all are busy, a new one is answered 503')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'Hosted mode: serve every account in DIR (made by `tgmcp setup --accounts DIR`), each bearer token its own account and session')
            [CompletionResult]::new('--max-active-sessions', '--max-active-sessions', [CompletionResultType]::ParameterName, 'Hosted mode: accounts connected to Telegram at once; past it, the least recently used is disconnected (its calls finished, its session written)')
            [CompletionResult]::new('--session-idle-timeout', '--session-idle-timeout', [CompletionResultType]::ParameterName, 'Hosted mode: seconds an account may go unused before it is disconnected')
            [CompletionResult]::new('--account-max-concurrent', '--account-max-concurrent', [CompletionResultType]::ParameterName, 'Hosted mode: requests one account may have running at once (more: 503), so one account cannot take every slot of --max-concurrent')
            [CompletionResult]::new('--web-setup-expiry', '--web-setup-expiry', [CompletionResultType]::ParameterName, 'Seconds a /setup login may take before it must start over (at most 15 minutes)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Offer only the tools that read: hide send_message, edit_message and send_message_to_phone, and refuse them if called; invoke_mtproto then runs only methods that change nothing')
            [CompletionResult]::new('--allow-dangerous-methods', '--allow-dangerous-methods', [CompletionResultType]::ParameterName, 'Let callers run methods that cannot be undone (deleting messages, chats, the account''s sessions …) through invoke_mtproto and /mtproto-api when they also set allow_dangerous. Off by default: a model can be talked into setting allow_dangerous by a message it reads, so the person who starts the server decides')
            [CompletionResult]::new('--drafts', '--drafts', [CompletionResultType]::ParameterName, 'Draft mode: send_message saves the text as a draft in the chat instead of sending it; the user sees it in their Telegram app and sends it themselves')
            [CompletionResult]::new('--confirm-writes', '--confirm-writes', [CompletionResultType]::ParameterName, 'Ask the user before each write (send, edit, invoke_mtproto writers) with a yes/no form in the MCP client (elicitation); a decline sends nothing. Clients that cannot ask get a refusal — use --drafts for those')
            [CompletionResult]::new('--allow-http-urls', '--allow-http-urls', [CompletionResultType]::ParameterName, 'Also fetch plain http:// URLs (default: https only)')
            [CompletionResult]::new('--allow-private-urls', '--allow-private-urls', [CompletionResultType]::ParameterName, 'Let URLs reach loopback, private, link-local and other internal addresses (and cloud metadata services). Off by default so a URL cannot reach into your network; turn it on only if you mean it')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'Serve without a bearer token; allowed on a loopback address only')
            [CompletionResult]::new('--metrics-public', '--metrics-public', [CompletionResultType]::ParameterName, 'Serve /metrics without the bearer token')
            [CompletionResult]::new('--allow-url-token', '--allow-url-token', [CompletionResultType]::ParameterName, 'Also take the token in the path, /v1/url_auth/TOKEN/mcp, for clients that cannot send headers. Weaker: URLs end up in proxy logs, browser history and shell history (tgmcp itself never logs the token)')
            [CompletionResult]::new('--web-setup', '--web-setup', [CompletionResultType]::ParameterName, 'Serve a login page at /setup: phone, code and 2FA password (or a QR code), then the MCP client configurations with the token. In hosted mode each login makes a new account; "Reauthorize" logs an account in again and keeps its token. Expose it beyond loopback only behind TLS, on a name given with --allow-host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;health' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Probe a running `tgmcp serve --http` at this URL (its /health and /ready) instead of the profile; exit 0 when both answer 200, 1 otherwise')
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'Write a diagnostic archive (.tar.gz) for a bug report instead: version, platform, settings and the health checks (and with --url the server''s /health, /ready and /metrics), every secret taken out. Never overwrites')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'With --bundle: add the end of this log file (its secrets taken out too)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;search' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Search only this chat: me, @username, the exact name of one of your chats ("Rust Berlin"), a t.me link, a numeric id (-100… for channels and supergroups) or +phone of a contact')
            [CompletionResult]::new('--chat', '--chat', [CompletionResultType]::ParameterName, 'Search only this chat: me, @username, the exact name of one of your chats ("Rust Berlin"), a t.me link, a numeric id (-100… for channels and supergroups) or +phone of a contact')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Only messages sent by this person (with --chat); the same forms as CHAT')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only messages sent at or after DATE: 2024-05-01, 2024-05-01T10:00, or how long ago: 30m, 12h, 7d, 2w, today, yesterday (local time unless DATE has an offset)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only messages sent at or before DATE (same forms; a bare date includes that whole day)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only chats of this type (not with --chat)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most N messages, newest first')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N messages, newest first')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue a search where an earlier one stopped: the `cursor` of its --json output, with the same QUERY and --chat')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Fetch every match, page after page (a spinner on stderr shows progress at a terminal)')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print one JSON message per line (JSON Lines), for pipes; overrides --json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;send' {
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply to the message with this id in CHAT, or to the message a link names (https://t.me/name/123; it must be in CHAT). On a post of a channel with comments, the reply is a comment in its discussion group')
            [CompletionResult]::new('--max-parts', '--max-parts', [CompletionResultType]::ParameterName, 'Split a long text into at most this many messages; a longer text (or a longer stdin) is refused before anything is sent')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Wait out a flood wait of up to this many seconds (in all); Telegram asking for a longer one exits 1, naming the wait')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up when Telegram does not answer a request within this many seconds (exit 4)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Attach a file: a local path, an https URL or a data: URI (repeatable). Several go as albums where Telegram allows; TEXT becomes the caption')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file: a local path, an https URL or a data: URI (repeatable). Several go as albums where Telegram allows; TEXT becomes the caption')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--markdown', '--markdown', [CompletionResultType]::ParameterName, 'Format the text as Markdown: **bold**, *italic*, `code`, [text](https://…)')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Format the text as HTML: <b>, <i>, <u>, <s>, <code>, <pre>, <a href="…">')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Deliver without a notification sound')
            [CompletionResult]::new('--no-preview', '--no-preview', [CompletionResultType]::ParameterName, 'Do not show a link preview')
            [CompletionResult]::new('--as-document', '--as-document', [CompletionResultType]::ParameterName, 'Send images as files (documents) instead of photos')
            [CompletionResult]::new('--allow-http-urls', '--allow-http-urls', [CompletionResultType]::ParameterName, 'Also fetch plain http:// URLs (default: https only)')
            [CompletionResult]::new('--allow-private-urls', '--allow-private-urls', [CompletionResultType]::ParameterName, 'Let URLs reach loopback, private, link-local and other internal addresses (and cloud metadata services). Off by default so a URL cannot reach into your network; turn it on only if you mean it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;download' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to save: an existing folder (the file keeps its own name) or a file name. By default the current folder. An existing file is never overwritten')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to save: an existing folder (the file keeps its own name) or a file name. By default the current folder. An existing file is never overwritten')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for Telegram before giving up (exit 4)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;invoke' {
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the API''s methods (those starting with PREFIX, e.g. `messages.`)')
            [CompletionResult]::new('--describe', '--describe', [CompletionResultType]::ParameterName, 'Print a method''s parameters (types, flags) and what it returns')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up when Telegram does not answer within this many seconds (exit 4)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--allow-dangerous', '--allow-dangerous', [CompletionResultType]::ParameterName, 'Allow methods that cannot be undone (deleting messages, chats, sessions …)')
            [CompletionResult]::new('--allow-secrets', '--allow-secrets', [CompletionResultType]::ParameterName, 'Allow methods that handle login secrets or grant access to the account (auth.exportAuthorization, account.getPassword …); their answer is printed. Only from a terminal')
            [CompletionResult]::new('--no-resolve', '--no-resolve', [CompletionResultType]::ParameterName, 'Do not turn chat references (me, @username, ids) into input peers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;reset' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;sandbox' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on; port 0 picks a free one')
            [CompletionResult]::new('--demo-home', '--demo-home', [CompletionResultType]::ParameterName, 'Play the demo that `--sandbox` commands share, announcing it in this folder (how the first `--sandbox` command starts it in the background)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;generate' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page, in roff (man/tgmcp.1)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completions for a shell (completions/)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tgmcp;generate;man' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;generate;completions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;generate;help' {
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page, in roff (man/tgmcp.1)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completions for a shell (completions/)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tgmcp;generate;help;man' {
            break
        }
        'tgmcp;generate;help;completions' {
            break
        }
        'tgmcp;generate;help;help' {
            break
        }
        'tgmcp;chats' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only chats of this type')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most N chats')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N chats')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--unread', '--unread', [CompletionResultType]::ParameterName, 'Only chats with unread messages (muted and archived ones included), newest first')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print one JSON chat per line (JSON Lines), for pipes; overrides --json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;read' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most N messages: the latest ones, or with --unread the oldest unread ones')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N messages: the latest ones, or with --unread the oldest unread ones')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Only this forum topic (`tgmcp read CHAT` of a forum lists messages of all topics)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--unread', '--unread', [CompletionResultType]::ParameterName, 'Only the messages you have not read yet (the oldest ones first)')
            [CompletionResult]::new('--mark-read', '--mark-read', [CompletionResultType]::ParameterName, 'Then mark the chat (or topic) read up to the newest message shown')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print one JSON message per line (JSON Lines), for pipes; overrides --json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;watch' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this many seconds')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print one JSON message per line (JSON Lines), for pipes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;accounts' {
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'The hosted server''s accounts folder')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every account: its name, whether it has a login, whether it has a token')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete an account''s folder: its session and token (it can no longer be used)')
            [CompletionResult]::new('rotate-token', 'rotate-token', [CompletionResultType]::ParameterValue, 'Replace an account''s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tgmcp;accounts;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;accounts;remove' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;accounts;rotate-token' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use: one Telegram account, with its own session and settings')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of the default one (which is optional)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the logs on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout instead of text')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a built-in offline Telegram with demo chats; no account or network needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors, and hide progress')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tgmcp;accounts;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every account: its name, whether it has a login, whether it has a token')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete an account''s folder: its session and token (it can no longer be used)')
            [CompletionResult]::new('rotate-token', 'rotate-token', [CompletionResultType]::ParameterValue, 'Replace an account''s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tgmcp;accounts;help;list' {
            break
        }
        'tgmcp;accounts;help;remove' {
            break
        }
        'tgmcp;accounts;help;rotate-token' {
            break
        }
        'tgmcp;accounts;help;help' {
            break
        }
        'tgmcp;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Log in to Telegram and save the session for this profile')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the MCP server over stdio, or over HTTP with --http')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check the session and the connection to Telegram')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search messages in all your chats, or list and search one chat')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a text message or files, from arguments or stdin')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Save the photo or file of a message')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Call any Telegram API method by name, with JSON parameters')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run the offline sandbox data center on loopback (for tests and demos)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the man page or shell completions (for packagers; the repository commits both)')
            [CompletionResult]::new('chats', 'chats', [CompletionResultType]::ParameterValue, 'List your chats, or only those with unread messages (--unread)')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Show a chat''s messages, oldest first, and optionally mark them read')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Print new messages as they arrive, until interrupted')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'List, remove or give a new token to the accounts of a hosted server''s folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tgmcp;help;setup' {
            break
        }
        'tgmcp;help;serve' {
            break
        }
        'tgmcp;help;health' {
            break
        }
        'tgmcp;help;search' {
            break
        }
        'tgmcp;help;send' {
            break
        }
        'tgmcp;help;download' {
            break
        }
        'tgmcp;help;invoke' {
            break
        }
        'tgmcp;help;reset' {
            break
        }
        'tgmcp;help;sandbox' {
            break
        }
        'tgmcp;help;generate' {
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page, in roff (man/tgmcp.1)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completions for a shell (completions/)')
            break
        }
        'tgmcp;help;generate;man' {
            break
        }
        'tgmcp;help;generate;completions' {
            break
        }
        'tgmcp;help;chats' {
            break
        }
        'tgmcp;help;read' {
            break
        }
        'tgmcp;help;watch' {
            break
        }
        'tgmcp;help;accounts' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every account: its name, whether it has a login, whether it has a token')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete an account''s folder: its session and token (it can no longer be used)')
            [CompletionResult]::new('rotate-token', 'rotate-token', [CompletionResultType]::ParameterValue, 'Replace an account''s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)')
            break
        }
        'tgmcp;help;accounts;list' {
            break
        }
        'tgmcp;help;accounts;remove' {
            break
        }
        'tgmcp;help;accounts;rotate-token' {
            break
        }
        'tgmcp;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
