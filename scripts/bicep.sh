#!/usr/bin/env bash
# Runs the Bicep CLI with the arguments given, e.g. `scripts/bicep.sh build infra/main.bicep`.
#
# Order of preference:
#   1. BICEP_BIN, when set, names the binary to run;
#   2. `bicep` on PATH;
#   3. the binary that `az bicep` manages (~/.azure/bin/bicep), so the arguments stay the same;
#   4. the CLI from the NuGet package Azure.Bicep.CommandLine.<rid>, fetched once with a
#      download-only `dotnet restore` into .bicep/ (git-ignored) and reused afterwards.
set -euo pipefail

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.bicep"

if [[ -n "${BICEP_BIN:-}" ]]; then
  exec "$BICEP_BIN" "$@"
fi

if command -v bicep >/dev/null 2>&1; then
  exec bicep "$@"
fi

if command -v az >/dev/null 2>&1 && az bicep version >/dev/null 2>&1; then
  az_bicep="${AZURE_CONFIG_DIR:-$HOME/.azure}/bin/bicep"
  if [[ -x "$az_bicep" ]]; then
    exec "$az_bicep" "$@"
  fi
fi

case "$(uname -m)" in
  x86_64 | amd64) rid="linux-x64" ;;
  aarch64 | arm64) rid="linux-arm64" ;;
  *)
    echo "bicep.sh: no Bicep CLI package for architecture $(uname -m); install bicep on PATH" >&2
    exit 1
    ;;
esac

package="azure.bicep.commandline.$rid"
bin="$cache/packages/$package/$BICEP_VERSION/tools/bicep"

fetch_cli() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "bicep.sh: neither bicep, az bicep nor dotnet found; install one of them" >&2
    exit 1
  fi

  # A throwaway project whose only purpose is to make NuGet download the package.
  sdk_major="$(dotnet --version | cut -d. -f1)"
  project_dir="$cache/restore"
  mkdir -p "$project_dir"
  cat >"$project_dir/restore.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$sdk_major.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.$rid" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
XML
  echo "bicep.sh: fetching Azure.Bicep.CommandLine.$rid $BICEP_VERSION from NuGet" >&2
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    dotnet restore "$project_dir/restore.csproj" --packages "$cache/packages" >&2

  if [[ ! -f "$bin" ]]; then
    found="$(find "$cache/packages/$package/$BICEP_VERSION" -type f -name bicep | head -n 1)"
    if [[ -z "$found" ]]; then
      echo "bicep.sh: the package has no bicep binary under $cache/packages/$package" >&2
      exit 1
    fi
    bin="$found"
  fi
  chmod +x "$bin"
}

if [[ ! -x "$bin" ]]; then
  mkdir -p "$cache"
  # Parallel callers (e.g. test files) wait for one download instead of racing on the cache.
  exec 9>"$cache/.lock"
  flock 9
  if [[ ! -x "$bin" ]]; then
    fetch_cli
  fi
  flock -u 9
  exec 9>&-
fi

exec "$bin" "$@"
