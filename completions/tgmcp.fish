# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tgmcp_global_optspecs
    string join \n profile= json sandbox v/verbose q/quiet config= env-file= log-format= h/help V/version
end

function __fish_tgmcp_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tgmcp_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tgmcp_using_subcommand
    set -l cmd (__fish_tgmcp_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tgmcp -n "__fish_tgmcp_needs_command" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_needs_command" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_needs_command" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_needs_command" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_needs_command" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "setup" -d 'Log in to Telegram and save the session for this profile'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "serve" -d 'Run the MCP server over stdio, or over HTTP with --http'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "health" -d 'Check the session and the connection to Telegram'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "search" -d 'Search messages in all your chats, or list and search one chat'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "send" -d 'Send a text message or files, from arguments or stdin'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "download" -d 'Save the photo or file of a message'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "invoke" -d 'Call any Telegram API method by name, with JSON parameters'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "reset" -d 'Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "sandbox" -d 'Run the offline sandbox data center on loopback (for tests and demos)'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "generate" -d 'Print the man page or shell completions (for packagers; the repository commits both)'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "chats" -d 'List your chats, or only those with unread messages (--unread)'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "read" -d 'Show a chat\'s messages, oldest first, and optionally mark them read'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "watch" -d 'Print new messages as they arrive, until interrupted'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "accounts" -d 'List, remove or give a new token to the accounts of a hosted server\'s folder'
complete -c tgmcp -n "__fish_tgmcp_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l api-id -d 'api_id of your app, from https://my.telegram.org' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l api-hash -d 'api_hash of your app, from https://my.telegram.org' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l phone -d 'Phone number of the account, in international format (+15551234567)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l code -d 'Login code Telegram sent to the account\'s apps or by SMS' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l password -d 'Two-step verification password; prefer the variable or the prompt, as other users can see command-line flags in the process list' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l import-telethon -d 'Log in with an existing Telethon session instead of a code: the path of a `.session` file (as fast-mcp-telegram and Telethon scripts keep them) or a StringSession. Its DC and auth key are checked with Telegram, then saved in the profile; the Telethon session keeps working too' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l accounts -d 'Make (or log in again) an account of a hosted server\'s folder DIR instead of a profile: the account is named by --profile, its session and bearer token kept in DIR/NAME for `tgmcp serve --http --accounts DIR` (a running server picks it up)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l overwrite -d 'Replace the profile\'s existing session (logging in again)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l rotate-token -d 'Replace the profile\'s HTTP bearer token with a new one and print the HTTP client configurations; no login needed (servers already running keep the old token until restarted)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l qr -d 'Log in by scanning a QR code with Telegram on a phone that is logged in (Settings → Devices → Link Desktop Device) instead of typing a code. Without a terminal it prints {"next":"qr","url":"tg://login?token=…","expires":…} and exits 10: show the URL as a QR code, scan it, then run `tgmcp setup --qr` again'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand setup" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l tools -d 'Offer only these tools (names separated by commas)' -r -f -a "search_messages_globally\t''
search_messages_in_chat\t''
read_messages\t''
send_message\t''
edit_message\t''
find_chats\t''
get_chat_info\t''
send_message_to_phone\t''
download_media\t''
invoke_mtproto\t''
get_unread\t''
mark_read\t''
list_topics\t''
wait_for_messages\t''
forward_messages\t''
delete_messages\t''
pin_message\t''
send_reaction\t''"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l max-writes-per-minute -d 'Most writes (sends, edits, invoke_mtproto writers) per minute for this account, so a runaway assistant cannot get it limited by Telegram; over it a call fails with retry_after and sends nothing. 0 turns the limit off' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l file-root -d 'Let tools read local files only inside this folder (repeatable; symlinks that lead outside are refused). Without it, any file this user can read. Over --http, local files are always refused' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l download-dir -d 'Where download_media saves files [default on stdio: the user\'s Downloads folder; over --http, download_media is refused unless this is set]' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l max-file-size -d 'Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l http -d 'Serve MCP over streamable HTTP on this address instead of stdio [default when given alone: 127.0.0.1:8000]' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l allow-host -d 'Also accept requests whose Host header names this host (the name clients use to reach the server, e.g. behind a reverse proxy): HOST (any port), HOST:PORT, [IPv6] or [IPv6]:PORT; repeat or separate with commas' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l max-body-bytes -d 'Largest request body accepted, in bytes (larger: 413)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l max-concurrent -d 'MCP requests handled at once (more: 503)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l request-timeout -d 'Longest an MCP request may take, in seconds (longer: a timeout error)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l header-timeout -d 'Seconds a connection has to send a whole request head, from when it opens or its next request starts (slower: closed)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l idle-timeout -d 'Seconds a kept-alive connection may wait with no request before it is closed' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l max-connections -d 'Connections open at once (lowered to fit the descriptor limit, `ulimit -n`). At the cap, the connection that has waited longest with no request is closed to make room; when all are busy, a new one is answered 503' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l accounts -d 'Hosted mode: serve every account in DIR (made by `tgmcp setup --accounts DIR`), each bearer token its own account and session' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l max-active-sessions -d 'Hosted mode: accounts connected to Telegram at once; past it, the least recently used is disconnected (its calls finished, its session written)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l session-idle-timeout -d 'Hosted mode: seconds an account may go unused before it is disconnected' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l account-max-concurrent -d 'Hosted mode: requests one account may have running at once (more: 503), so one account cannot take every slot of --max-concurrent' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l web-setup-expiry -d 'Seconds a /setup login may take before it must start over (at most 15 minutes)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l read-only -d 'Offer only the tools that read: hide send_message, edit_message and send_message_to_phone, and refuse them if called; invoke_mtproto then runs only methods that change nothing'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l allow-dangerous-methods -d 'Let callers run methods that cannot be undone (deleting messages, chats, the account\'s sessions …) through invoke_mtproto and /mtproto-api when they also set allow_dangerous. Off by default: a model can be talked into setting allow_dangerous by a message it reads, so the person who starts the server decides'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l drafts -d 'Draft mode: send_message saves the text as a draft in the chat instead of sending it; the user sees it in their Telegram app and sends it themselves'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l confirm-writes -d 'Ask the user before each write (send, edit, invoke_mtproto writers) with a yes/no form in the MCP client (elicitation); a decline sends nothing. Clients that cannot ask get a refusal — use --drafts for those'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l allow-http-urls -d 'Also fetch plain http:// URLs (default: https only)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l allow-private-urls -d 'Let URLs reach loopback, private, link-local and other internal addresses (and cloud metadata services). Off by default so a URL cannot reach into your network; turn it on only if you mean it'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l no-auth -d 'Serve without a bearer token; allowed on a loopback address only'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l metrics-public -d 'Serve /metrics without the bearer token'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l allow-url-token -d 'Also take the token in the path, /v1/url_auth/TOKEN/mcp, for clients that cannot send headers. Weaker: URLs end up in proxy logs, browser history and shell history (tgmcp itself never logs the token)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l web-setup -d 'Serve a login page at /setup: phone, code and 2FA password (or a QR code), then the MCP client configurations with the token. In hosted mode each login makes a new account; "Reauthorize" logs an account in again and keeps its token. Expose it beyond loopback only behind TLS, on a name given with --allow-host'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand serve" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l timeout -d 'Give up after this many seconds' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l url -d 'Probe a running `tgmcp serve --http` at this URL (its /health and /ready) instead of the profile; exit 0 when both answer 200, 1 otherwise' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l bundle -d 'Write a diagnostic archive (.tar.gz) for a bug report instead: version, platform, settings and the health checks (and with --url the server\'s /health, /ready and /metrics), every secret taken out. Never overwrites' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l log -d 'With --bundle: add the end of this log file (its secrets taken out too)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand health" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -s c -l chat -d 'Search only this chat: me, @username, the exact name of one of your chats ("Rust Berlin"), a t.me link, a numeric id (-100… for channels and supergroups) or +phone of a contact' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l from -d 'Only messages sent by this person (with --chat); the same forms as CHAT' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l since -d 'Only messages sent at or after DATE: 2024-05-01, 2024-05-01T10:00, or how long ago: 30m, 12h, 7d, 2w, today, yesterday (local time unless DATE has an offset)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l until -d 'Only messages sent at or before DATE (same forms; a bare date includes that whole day)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l type -d 'Only chats of this type (not with --chat)' -r -f -a "private\t'Private chats with people and bots'
group\t'Basic groups and supergroups'
channel\t'Broadcast channels'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -s n -l limit -d 'Show at most N messages, newest first' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l cursor -d 'Continue a search where an earlier one stopped: the `cursor` of its --json output, with the same QUERY and --chat' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l all -d 'Fetch every match, page after page (a spinner on stderr shows progress at a terminal)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l jsonl -d 'Print one JSON message per line (JSON Lines), for pipes; overrides --json'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand search" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l reply-to -d 'Reply to the message with this id in CHAT, or to the message a link names (https://t.me/name/123; it must be in CHAT). On a post of a channel with comments, the reply is a comment in its discussion group' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l max-parts -d 'Split a long text into at most this many messages; a longer text (or a longer stdin) is refused before anything is sent' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l max-wait -d 'Wait out a flood wait of up to this many seconds (in all); Telegram asking for a longer one exits 1, naming the wait' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l timeout -d 'Give up when Telegram does not answer a request within this many seconds (exit 4)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -s f -l file -d 'Attach a file: a local path, an https URL or a data: URI (repeatable). Several go as albums where Telegram allows; TEXT becomes the caption' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l max-file-size -d 'Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l markdown -d 'Format the text as Markdown: **bold**, *italic*, `code`, [text](https://…)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l html -d 'Format the text as HTML: <b>, <i>, <u>, <s>, <code>, <pre>, <a href="…">'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l silent -d 'Deliver without a notification sound'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l no-preview -d 'Do not show a link preview'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l as-document -d 'Send images as files (documents) instead of photos'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l allow-http-urls -d 'Also fetch plain http:// URLs (default: https only)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l allow-private-urls -d 'Let URLs reach loopback, private, link-local and other internal addresses (and cloud metadata services). Off by default so a URL cannot reach into your network; turn it on only if you mean it'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand send" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -s o -l output -d 'Where to save: an existing folder (the file keeps its own name) or a file name. By default the current folder. An existing file is never overwritten' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l timeout -d 'Seconds to wait for Telegram before giving up (exit 4)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand download" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l list -d 'List the API\'s methods (those starting with PREFIX, e.g. `messages.`)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l describe -d 'Print a method\'s parameters (types, flags) and what it returns' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l timeout -d 'Give up when Telegram does not answer within this many seconds (exit 4)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l allow-dangerous -d 'Allow methods that cannot be undone (deleting messages, chats, sessions …)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l allow-secrets -d 'Allow methods that handle login secrets or grant access to the account (auth.exportAuthorization, account.getPassword …); their answer is printed. Only from a terminal'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l no-resolve -d 'Do not turn chat references (me, @username, ids) into input peers'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand invoke" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand reset" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l listen -d 'Address to listen on; port 0 picks a free one' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l demo-home -d 'Play the demo that `--sandbox` commands share, announcing it in this folder (how the first `--sandbox` command starts it in the background)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand sandbox" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -f -a "man" -d 'The man page, in roff (man/tgmcp.1)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -f -a "completions" -d 'Completions for a shell (completions/)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and not __fish_seen_subcommand_from man completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'The man page, in roff (man/tgmcp.1)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Completions for a shell (completions/)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l type -d 'Only chats of this type' -r -f -a "private\t'Private chats with people and bots'
group\t'Basic groups and supergroups'
channel\t'Broadcast channels'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -s n -l limit -d 'Show at most N chats' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l unread -d 'Only chats with unread messages (muted and archived ones included), newest first'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l jsonl -d 'Print one JSON chat per line (JSON Lines), for pipes; overrides --json'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand chats" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -s n -l limit -d 'Show at most N messages: the latest ones, or with --unread the oldest unread ones' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l topic -d 'Only this forum topic (`tgmcp read CHAT` of a forum lists messages of all topics)' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l unread -d 'Only the messages you have not read yet (the oldest ones first)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l mark-read -d 'Then mark the chat (or topic) read up to the newest message shown'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l jsonl -d 'Print one JSON message per line (JSON Lines), for pipes; overrides --json'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand read" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l timeout -d 'Stop after this many seconds' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l count -d 'Stop after this many messages' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l jsonl -d 'Print one JSON message per line (JSON Lines), for pipes'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand watch" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l accounts -d 'The hosted server\'s accounts folder' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -f -a "list" -d 'Every account: its name, whether it has a login, whether it has a token'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -f -a "remove" -d 'Delete an account\'s folder: its session and token (it can no longer be used)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -f -a "rotate-token" -d 'Replace an account\'s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and not __fish_seen_subcommand_from list remove rotate-token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -l profile -d 'Profile to use: one Telegram account, with its own session and settings' -r
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -l config -d 'Config file to read instead of the default one (which is optional)' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -l env-file -d 'Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH, TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file' -r -F
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -l log-format -d 'Format of the logs on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -l json -d 'Print machine-readable JSON on stdout instead of text'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -l sandbox -d 'Run against a built-in offline Telegram with demo chats; no account or network needed'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -s v -l verbose -d 'Log more on stderr (-v info, -vv debug, -vvv trace)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -s q -l quiet -d 'Log only errors, and hide progress'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from rotate-token" -s V -l version -d 'Print version'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every account: its name, whether it has a login, whether it has a token'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete an account\'s folder: its session and token (it can no longer be used)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from help" -f -a "rotate-token" -d 'Replace an account\'s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand accounts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "setup" -d 'Log in to Telegram and save the session for this profile'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "serve" -d 'Run the MCP server over stdio, or over HTTP with --http'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "health" -d 'Check the session and the connection to Telegram'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "search" -d 'Search messages in all your chats, or list and search one chat'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "send" -d 'Send a text message or files, from arguments or stdin'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "download" -d 'Save the photo or file of a message'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "invoke" -d 'Call any Telegram API method by name, with JSON parameters'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "reset" -d 'Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "sandbox" -d 'Run the offline sandbox data center on loopback (for tests and demos)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "generate" -d 'Print the man page or shell completions (for packagers; the repository commits both)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "chats" -d 'List your chats, or only those with unread messages (--unread)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "read" -d 'Show a chat\'s messages, oldest first, and optionally mark them read'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "watch" -d 'Print new messages as they arrive, until interrupted'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "accounts" -d 'List, remove or give a new token to the accounts of a hosted server\'s folder'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and not __fish_seen_subcommand_from setup serve health search send download invoke reset sandbox generate chats read watch accounts help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'The man page, in roff (man/tgmcp.1)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Completions for a shell (completions/)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and __fish_seen_subcommand_from accounts" -f -a "list" -d 'Every account: its name, whether it has a login, whether it has a token'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and __fish_seen_subcommand_from accounts" -f -a "remove" -d 'Delete an account\'s folder: its session and token (it can no longer be used)'
complete -c tgmcp -n "__fish_tgmcp_using_subcommand help; and __fish_seen_subcommand_from accounts" -f -a "rotate-token" -d 'Replace an account\'s bearer token and print the new one (the old one stops working within a few seconds, also on a running server)'
