# shellcheck shell=bash
# Sourced by recipes that build from a Debian source package's orig tarball
# (sysroot/build.sh). Defines:
#
#   debian_orig_tarball PACKAGE GLOB SOURCES_DIR TAG
#     prints the path of PACKAGE's orig tarball (matching GLOB) in
#     SOURCES_DIR, fetching it first when SOURCES_DIR/PACKAGE.selected does
#     not name a present file with the recorded sha256. Messages go to
#     stderr prefixed with "TAG: ".
#
# Fetching: `apt-get source --download-only` for apt's candidate, then for
# every other version `apt-cache showsrc` lists, newest first (an archive
# may list a version and answer 404 for its files). An attempt counts when
# it produced a tarball with the sha256 apt-cache lists for it; the choice
# is recorded in PACKAGE.selected ("version: V", "file: F", "sha256: D").
# python/build.sh has the same policy in its own words (with a test,
# tests/python/fetch_fallback_test.sh); it can move to this file when its
# recipe next changes, which renews its cache key anyway.

# _debsrc_listing PACKAGE: "VERSION SHA256 FILE" per file per listed version.
_debsrc_listing() {
  { apt-cache showsrc "$1" 2>/dev/null || true; } | awk -v pkg="$1" '
    /^Package: / { p = $2; v = ""; sums = 0; next }
    /^Version: / { v = $2; next }
    /^Checksums-Sha256:/ { sums = 1; next }
    /^ / { if (sums && p == pkg && v != "") print v, $1, $3; next }
    { sums = 0 }' | sort -u
}

# _debsrc_newest_first: Debian versions on stdin, newest first (dpkg order).
_debsrc_newest_first() {
  local v out=()
  while IFS= read -r v; do
    [[ -n $v ]] || continue
    local i=${#out[@]}
    out+=("$v")
    while ((i > 0)) && dpkg --compare-versions "$v" gt "${out[i - 1]}"; do
      out[i]=${out[i - 1]}
      out[i - 1]=$v
      i=$((i - 1))
    done
  done
  ((${#out[@]} == 0)) || printf '%s\n' "${out[@]}"
}

debian_orig_tarball() {
  local package=$1 glob=$2 sources=$3 tag=$4
  local record=$sources/$package.selected version='' file='' sha=''
  if [[ -f $record ]]; then
    version=$(sed -n 's/^version: //p' "$record")
    file=$(sed -n 's/^file: //p' "$record")
    sha=$(sed -n 's/^sha256: //p' "$record")
    # shellcheck disable=SC2053 # the right side is the caller's glob
    if [[ $file != */* && $file == $glob && -f $sources/$file &&
          $(sha256sum <"$sources/$file" | cut -d' ' -f1) == "$sha" ]]; then
      echo "$sources/$file"
      return 0
    fi
    echo "$tag: $record names a missing or changed tarball; fetching again" >&2
  fi
  mkdir -p "$sources"
  local listing tmp n=0 attempt found failed=()
  listing=$(_debsrc_listing "$package")
  tmp=$(mktemp -d "$sources/.fetch-$package.XXXXXX")
  # The candidate first (empty version), then each listed version.
  local versions
  mapfile -t versions < <(echo; cut -d' ' -f1 <<<"$listing" | sort -u | _debsrc_newest_first)
  for attempt in "${versions[@]}"; do
    n=$((n + 1))
    mkdir "$tmp/$n"
    (cd "$tmp/$n" && apt-get source --download-only "$package${attempt:+=$attempt}") \
      >"$tmp/$n.log" 2>&1 || true
    found=$(compgen -G "$tmp/$n/$glob" | head -n1 || true)
    if [[ -z $found ]]; then
      failed+=("${attempt:-candidate}: $(sed -n 's/^E: //p' "$tmp/$n.log" | head -n1)")
      continue
    fi
    sha=$(sha256sum <"$found" | cut -d' ' -f1)
    file=${found##*/}
    version=$(awk -v s="$sha" -v f="$file" '$2 == s && $3 == f { print $1 }' <<<"$listing" |
      _debsrc_newest_first | head -n1)
    if [[ -z $version ]]; then
      failed+=("${attempt:-candidate}: $file does not have a sha256 apt-cache showsrc lists")
      continue
    fi
    mv -f "$found" "$sources/$file"
    printf '# the Debian source version whose orig tarball the build uses\nversion: %s\nfile: %s\nsha256: %s\n' \
      "$version" "$file" "$sha" >"$record.tmp"
    mv -f "$record.tmp" "$record"
    rm -rf "$tmp"
    echo "$tag: $package: using $version ($file)" >&2
    echo "$sources/$file"
    return 0
  done
  rm -rf "$tmp"
  echo "$tag: could not download the $package source (deb-src enabled? see scripts/setup.sh):" >&2
  printf '  %s\n' "${failed[@]}" >&2
  return 1
}
