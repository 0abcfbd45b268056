# Lists what is installed in an image, one "ecosystem<TAB>name<TAB>version" line per package. Runs inside a
# container of the built image, without network.
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f='deb\t${Package}\t${Version}\n'
elif command -v apk >/dev/null 2>&1; then
  apk info -v 2>/dev/null | sed -n 's/^\(.*\)-\([^-]*-r[0-9]*\)$/apk\t\1\t\2/p'
elif command -v rpm >/dev/null 2>&1; then
  rpm -qa --qf 'rpm\t%{NAME}\t%{VERSION}-%{RELEASE}\n'
fi
if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import importlib.metadata as metadata
for dist in metadata.distributions():
    print("pypi\t%s\t%s" % (dist.metadata["Name"], dist.version))
' 2>/dev/null
fi
if [ -d /opt/dispatch/node/node_modules ] && command -v node >/dev/null 2>&1; then
  node -e '
const fs = require("fs"), path = require("path");
const root = "/opt/dispatch/node/node_modules";
const dirs = fs.readdirSync(root).flatMap((d) => d.startsWith("@") ? fs.readdirSync(path.join(root, d)).map((s) => path.join(d, s)) : [d]);
for (const dir of dirs) {
  try { const p = JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8")); console.log(`npm\t${p.name}\t${p.version}`); } catch {}
}
'
fi
exit 0
