# Sourced by the measurement scripts, from the repository root: builds the release binary,
# sets B to it and tmp to a scratch folder removed on exit.
cargo build --release -q
B=target/release/neardup
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
