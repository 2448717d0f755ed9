#!/usr/bin/env bash
# Installs the Debian packages the tests need (git servers, unzip), when they are missing.
# Safe to run again; does nothing when everything is present. Needs root (CI and dev machines run as root).
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v unzip >/dev/null || need+=(unzip)
[ -x /usr/lib/git-core/git-http-backend ] || need+=(git)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v tmux >/dev/null || need+=(tmux)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
