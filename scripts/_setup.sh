# Shared first-run set-up for scripts/produce and scripts/test (sourced, not run).
# Installs what is missing and nothing else: espeak-ng and ffmpeg (system packages),
# then ./.venv with the package and its test dependencies. A second run only checks.
# It says what it is doing in a few lines; apt-get's and pip's own output goes to a log
# ($A2P_LOG, .venv-setup.log in the repository), whose end is shown if a step fails.
set -euo pipefail

A2P_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
A2P_VENV="${A2P_VENV:-$A2P_ROOT/.venv}"
A2P_LOG="${A2P_LOG:-$A2P_ROOT/.venv-setup.log}"
A2P_SYSTEM_TOOLS=(espeak-ng ffmpeg ffprobe)

a2p_say() { printf 'article2podcast set-up: %s\n' "$*" >&2; }

a2p_run() {
    # $1: what the step does ("installing system packages"); the rest: the command. Its
    # output goes to the log; if it fails, the end of the log is shown and the set-up stops.
    local what="$1" status=0
    shift
    printf '\n== %s: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >>"$A2P_LOG"
    "$@" >>"$A2P_LOG" 2>&1 </dev/null || status=$?
    if [ "$status" != 0 ]; then
        a2p_say "$what failed (exit $status); the last lines of $A2P_LOG:"
        tail -n 20 "$A2P_LOG" | sed 's/^/    /' >&2
        a2p_say "the whole output is in $A2P_LOG"
        exit "$status"
    fi
}

a2p_missing_tools() {
    local tool missing=()
    for tool in "${A2P_SYSTEM_TOOLS[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    # pyttsx3 loads the espeak-ng library itself, not the program.
    if [ "$(uname -s)" = Linux ] && ! ldconfig -p 2>/dev/null | grep -q 'libespeak-ng\.so\.1'; then
        missing+=(libespeak-ng1)
    fi
    # The generated cover's typeface (accented and Cyrillic headlines).
    if [ "$(uname -s)" = Linux ] && [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then
        missing+=(fonts-dejavu-core)
    fi
    # For the tests only (A2P_BROWSER=1): Debian's Chromium and its driver, for the page test.
    if [ "${A2P_BROWSER:-0}" = 1 ] && [ "$(uname -s)" = Linux ]; then
        command -v chromium >/dev/null 2>&1 || missing+=(chromium)
        command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    fi
    printf '%s\n' "${missing[@]}"
}

a2p_install_system_packages() {
    local missing
    missing="$(a2p_missing_tools)"
    [ -z "$missing" ] && return 0
    a2p_say "missing: $(echo $missing | tr '\n' ' ')"
    case "$(uname -s)" in
        Linux)
            if ! command -v apt-get >/dev/null 2>&1; then
                a2p_say "no apt-get here; install espeak-ng and ffmpeg with your package manager, then run this again."
                exit 3
            fi
            local sudo=()
            if [ "$(id -u)" != 0 ]; then
                if command -v sudo >/dev/null 2>&1; then
                    sudo=(sudo)
                else
                    a2p_say "not root and no sudo; run as root: apt-get update && apt-get install -y espeak-ng libespeak-ng1 ffmpeg"
                    exit 3
                fi
            fi
            local packages=(espeak-ng libespeak-ng1 ffmpeg fonts-dejavu-core)
            if [ "${A2P_BROWSER:-0}" = 1 ]; then
                packages+=(chromium chromium-driver)
            fi
            a2p_say "installing system packages (${packages[*]}) with apt-get, first run only; details in $A2P_LOG"
            export DEBIAN_FRONTEND=noninteractive
            a2p_run "apt-get update" "${sudo[@]}" apt-get update -qq
            a2p_run "installing system packages" \
                "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"
            ;;
        Darwin)
            # macOS speaks through its own NSSpeechSynthesizer; only ffmpeg is needed.
            if ! command -v ffmpeg >/dev/null 2>&1; then
                if command -v brew >/dev/null 2>&1; then
                    a2p_say "installing ffmpeg with Homebrew; details in $A2P_LOG"
                    a2p_run "installing ffmpeg" brew install ffmpeg
                else
                    a2p_say "install Homebrew (https://brew.sh), then run: brew install ffmpeg"
                    exit 3
                fi
            fi
            return 0
            ;;
        *)
            a2p_say "unsupported system $(uname -s); install espeak-ng and ffmpeg yourself, then run this again."
            exit 3
            ;;
    esac
    missing="$(a2p_missing_tools)"
    if [ -n "$missing" ]; then
        a2p_say "still missing after install: $(echo $missing | tr '\n' ' ') (see $A2P_LOG)"
        exit 3
    fi
    a2p_say "system packages installed"
}

a2p_find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    a2p_say "Python 3.11 or newer is needed; install it (Debian/Ubuntu: apt-get install python3 python3-venv) and run this again."
    exit 3
}

a2p_ensure_venv() {
    # $1: the extras to install (comma-separated, e.g. "test,piper"). The stamp records what
    # the venv was built from; the same pyproject.toml with these extras among the installed
    # ones means no work.
    local extras="${1:-test}" stamp="$A2P_VENV/.article2podcast-stamp" sum have extra missing=""
    sum="$(cksum <"$A2P_ROOT/pyproject.toml")"
    if [ -x "$A2P_VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$sum" ]; then
        have="$(sed -n 2p "$stamp")"
        for extra in ${extras//,/ }; do
            case ",$have," in *",$extra,"*) ;; *) missing="$missing $extra" ;; esac
        done
        [ -z "$missing" ] && return 0
        extras="$have,$extras"
    fi
    local python
    python="$(a2p_find_python)"
    if [ ! -x "$A2P_VENV/bin/python" ]; then
        a2p_say "creating $A2P_VENV"
        if ! "$python" -m venv "$A2P_VENV" >>"$A2P_LOG" 2>&1; then
            tail -n 20 "$A2P_LOG" | sed 's/^/    /' >&2
            a2p_say "could not create a virtual environment (the whole output is in $A2P_LOG); on Debian/Ubuntu run: apt-get install python3-venv"
            exit 3
        fi
    fi
    extras="$(echo "$extras" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)"
    a2p_say "installing Python packages (article2podcast with [$extras]) into $A2P_VENV; details in $A2P_LOG"
    a2p_run "installing Python packages" \
        "$A2P_VENV/bin/python" -m pip install --disable-pip-version-check -e "$A2P_ROOT[$extras]"
    printf '%s\n%s\n' "$sum" "$extras" >"$stamp"
    a2p_say "done"
}

a2p_setup() {
    # $1: the Python extras wanted (default "test").
    a2p_install_system_packages
    a2p_ensure_venv "${1:-test}"
}
