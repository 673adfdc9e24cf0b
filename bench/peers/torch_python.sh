#!/usr/bin/env bash
# Prints the Python interpreter the bench's PyTorch peers run with: the one with the newest PyTorch among
#   - $UNROLL_TORCH_PYTHON, when set (used as is, nothing else is tried);
#   - a virtual environment bench/target/torch-venv that this script makes itself, once, when pip's local
#     sources (find-links folders, file:// indexes) hold a torch wheel: python3 -m venv + pip install torch
#     numpy (a failed attempt is remembered in bench/target/torch-venv.failed; delete it to try again);
#   - Debian's /usr/bin/python3 with python3-torch.
# Says on stderr which one it chose and why; exits 1 with what to install when none can import torch.
set -euo pipefail
HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=${UNROLL_TORCH_VENV:-$(dirname "$HERE")/target/torch-venv}
SYSTEM_PYTHON=/usr/bin/python3

torch_version() {
    "$1" -c 'import torch, numpy; print(torch.__version__)' 2>/dev/null
}

if [ -n "${UNROLL_TORCH_PYTHON-}" ]; then
    torch_version "$UNROLL_TORCH_PYTHON" >/dev/null \
        || { echo "torch_python.sh: UNROLL_TORCH_PYTHON=$UNROLL_TORCH_PYTHON cannot import torch and numpy" >&2; exit 1; }
    printf '%s\n' "$UNROLL_TORCH_PYTHON"
    exit 0
fi

local_torch_wheel() {
    # A torch wheel in one of pip's local sources: the folders of find-links and of file:// index URLs.
    local sources
    sources=$("$SYSTEM_PYTHON" -m pip config list 2>/dev/null | sed -n "s/^[^=]*\(find-links\|index-url\)='\(.*\)'$/\2/p" || true)
    sources="$sources ${PIP_FIND_LINKS-} ${PIP_EXTRA_INDEX_URL-} ${PIP_INDEX_URL-}"
    for s in $sources; do
        s=${s#file://}
        [ -d "$s" ] || continue
        if compgen -G "$s/torch-*.whl" >/dev/null || [ -d "$s/torch" ]; then
            printf '%s\n' "$s"
            return 0
        fi
    done
    return 1
}

if ! torch_version "$VENV/bin/python" >/dev/null && [ ! -e "$VENV.failed" ] && [ -x "$SYSTEM_PYTHON" ]; then
    if wheels=$(local_torch_wheel); then
        echo "torch_python.sh: making $VENV with the torch wheel from $wheels (once; about a minute)" >&2
        rm -rf "$VENV"
        mkdir -p "$(dirname "$VENV")"
        if ! { "$SYSTEM_PYTHON" -m venv "$VENV" && "$VENV/bin/pip" install -q torch numpy; } >"$VENV.log" 2>&1; then
            { echo "pip install torch numpy failed; see $VENV.log"; tail -n 3 "$VENV.log"; } >"$VENV.failed"
            rm -rf "$VENV"
            echo "torch_python.sh: $(head -n 1 "$VENV.failed")" >&2
        fi
    fi
fi

best=
best_version=
for candidate in "$VENV/bin/python" "$SYSTEM_PYTHON"; do
    v=$(torch_version "$candidate") || continue
    if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "${v%%+*}" "${best_version%%+*}" | sort -V | tail -n 1)" != "${best_version%%+*}" ]; then
        best=$candidate
        best_version=$v
    fi
done
if [ -z "$best" ]; then
    echo "torch_python.sh: no Python here can import torch and numpy (a torch wheel in pip's find-links lets the bench make its own venv; else apt-get install python3-torch libopenblas0-pthread)" >&2
    exit 1
fi
echo "torch_python.sh: PyTorch $best_version ($best)" >&2
printf '%s\n' "$best"
