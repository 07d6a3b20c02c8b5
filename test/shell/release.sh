#!/usr/bin/env bash
# What a packager relies on: META.json (PGXN meta spec 1.0.0) agrees with the
# control file, CHANGELOG.md has the version, and `make dist` gives
# cowork-<version>.zip with everything under cowork-<version>/ that builds
# the same install script as this tree.  Needs no server.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/cowork.control")
work=$(mktemp -d /tmp/cowork-release.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$root"

# META.json: valid JSON with the spec's required keys, the version of the
# control file everywhere it appears.
perl -MJSON::PP -e '
    my ($file, $version) = @ARGV;
    open my $fh, "<", $file or die "cannot read $file\n";
    my $m = JSON::PP->new->decode(do { local $/; <$fh> });
    for my $k (qw(name abstract version maintainer license provides meta-spec)) {
        die "META.json: no \"$k\"\n" unless defined $m->{$k};
    }
    die "META.json: meta-spec is not 1.0.0\n" unless $m->{"meta-spec"}{version} eq "1.0.0";
    die "META.json: name is not cowork\n" unless $m->{name} eq "cowork";
    die "META.json: version $m->{version}, control file $version\n" unless $m->{version} eq $version;
    my $p = $m->{provides}{cowork} or die "META.json: provides no cowork\n";
    die "META.json: provides cowork $p->{version}\n" unless $p->{version} eq $version;
    -e $p->{file} or die "META.json: provides file $p->{file} is missing\n";
    die "META.json: no PostgreSQL prerequisite\n"
        unless $m->{prereqs}{runtime}{requires}{PostgreSQL};
    print "META.json: cowork $m->{version}, license $m->{license}\n";
' "$root/META.json" "$version" || fail "META.json"
grep -q "^## $version\b" "$root/CHANGELOG.md" || fail "CHANGELOG.md has no entry for $version"

# make dist: the archive of HEAD (here of HEAD plus the uncommitted changes
# to tracked files, so that the test sees the tree it runs in), unpacked
# with Perl's own unzip.
ref=$(git stash create 2>/dev/null || true)
make -s --no-print-directory dist DIST_ZIP="$work/cowork.zip" DIST_REF="${ref:-HEAD}" >/dev/null
perl -MIO::Uncompress::Unzip=\$UnzipError -MFile::Path=make_path -MFile::Basename=dirname -e '
    my ($zip, $dest, $prefix) = @ARGV;
    my $u = IO::Uncompress::Unzip->new($zip) or die "cannot open $zip: $UnzipError\n";
    my $n = 0;
    for (my $status = 1; $status > 0; $status = $u->nextStream) {
        my $name = $u->getHeaderInfo->{Name};
        die "entry $name is not under $prefix\n" unless index($name, $prefix) == 0;
        next if $name =~ m{/$};
        make_path(dirname("$dest/$name"));
        open my $out, ">", "$dest/$name" or die "cannot write $name\n";
        my $buf;
        print $out $buf while $u->read($buf) > 0;
        close $out;
        chmod 0755, "$dest/$name" if $name =~ /\.sh$/;
        $n++;
    }
    print "$n files under $prefix\n";
' "$work/cowork.zip" "$work/dist" "cowork-$version/" || fail "the archive"
dist=$work/dist/cowork-$version
for f in META.json CHANGELOG.md LICENSE README.md Makefile cowork.control \
         sql/cowork--0.1.0.sql "sql/cowork--0.1.0--$version.sql" sql/src/00-header.sql \
         src/cowork.c docs/operations.md; do
    [ -f "$dist/$f" ] || fail "the archive lacks $f"
done
# The archive builds the same install script as this tree.
make -C "$dist" -s --no-print-directory PG_CONFIG="$PG_CONFIG" "sql/cowork--$version.sql" >/dev/null
make -C "$root" -s --no-print-directory PG_CONFIG="$PG_CONFIG" "sql/cowork--$version.sql" >/dev/null
cmp "$dist/sql/cowork--$version.sql" "$root/sql/cowork--$version.sql" ||
    fail "the archive builds another install script (a new file under sql/src/ not yet added to git?)"
echo "make dist: cowork-$version.zip builds sql/cowork--$version.sql"
