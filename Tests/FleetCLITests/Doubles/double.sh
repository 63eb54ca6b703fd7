#!/bin/sh
# TEST DOUBLE, never installed on a real machine. One script behind every stand-in command of
# bin/ (kubeadm, kubectl, systemctl, apt-get, ...), chosen by the name it is called by.
#
# PlaybookStandInTests puts WORK/bin (links to this file) first on PATH through the
# playbooks' path_prefix variable and points root_prefix at WORK/root/HOST, so the Kubernetes
# playbooks run their whole control flow on lab hosts without touching the machine.
# Each call is recorded as one line "command args..." in WORK/log/HOST.log (or in
# $FLEET_DOUBLES_LOG when set), and the state a real tool would leave is emulated under
# WORK/root/HOST (kubelet.conf after a join, held packages, enabled units, loaded modules).
# HOST is the lab host's own host name: every lab host shares this machine's disk.
set -u
name=$(basename "$0")
work=$(cd "$(dirname "$0")/.." && pwd)
host=$(hostname)
root="$work/root/$host"
state="$root/var/lib/fleet-doubles"
mkdir -p "$work/log" "$state"
echo "$name $*" >> "${FLEET_DOUBLES_LOG:-$work/log/$host.log}"

fail() { echo "$name (test double): $*" >&2; exit 1; }

# The value after option $1 in the remaining arguments ("--kubeconfig F" or "--kubeconfig=F").
option() {
    wanted=$1; shift
    while [ $# -gt 0 ]; do
        case "$1" in
            "$wanted") echo "${2:-}"; return 0 ;;
            "$wanted"=*) echo "${1#*=}"; return 0 ;;
        esac
        shift
    done
    return 1
}

case "$name" in
kubeadm)
    case "${1:-}" in
    version)
        [ -f "$state/packages/kubeadm" ] || fail "not installed"
        echo "v$(cut -d- -f1 "$state/packages/kubeadm")" ;;
    config) echo "[config/images] Pulled images" ;;
    init)
        [ -f "$root/etc/kubernetes/admin.conf" ] && fail "[ERROR Port-6443]: Port 6443 is in use"
        config=$(option --config "$@") || fail "init needs --config"
        grep -q 'cgroupDriver: systemd' "$config" || fail "kubelet cgroup driver is not systemd"
        mkdir -p "$root/etc/kubernetes"
        address=$(sed -n 's/^ *advertiseAddress: *//p' "$config")
        echo "server: https://$address:6443" > "$root/etc/kubernetes/admin.conf"
        echo "server: https://$address:6443" > "$root/etc/kubernetes/kubelet.conf"
        echo "Your Kubernetes control-plane has initialized successfully!" ;;
    token)
        address=$(sed -n 's/^ *advertiseAddress: *//p' "$root/etc/kubernetes/kubeadm-config.yaml")
        token="$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n').$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        echo "$token" >> "$work/tokens"
        echo "kubeadm join $address:6443 --token $token --discovery-token-ca-cert-hash sha256:5ec5d1c2b0e1f34ab6b1c8d2e6c9a0f1e2d3c4b5a6978877665544332211007521" ;;
    join)
        [ -f "$root/etc/kubernetes/kubelet.conf" ] && fail "[ERROR FileAvailable--etc-kubernetes-kubelet.conf]: already exists"
        token=$(option --token "$@") || fail "join needs --token"
        grep -qx "$token" "$work/tokens" 2>/dev/null || fail "token $token not found"
        mkdir -p "$root/etc/kubernetes"
        echo "token: $token" > "$root/etc/kubernetes/kubelet.conf"
        echo "This node has joined the cluster" ;;
    reset) rm -f "$root/etc/kubernetes/admin.conf" "$root/etc/kubernetes/kubelet.conf" ;;
    *) fail "unknown subcommand ${1:-}" ;;
    esac ;;
kubectl)
    kubeconfig=$(option --kubeconfig "$@") || fail "no kubeconfig: The connection to the server localhost:8080 was refused"
    [ -f "$kubeconfig" ] || fail "no kubeconfig at $kubeconfig"
    case " $* " in
    *" --raw /readyz "*) echo ok ;;
    *" get nodes "*)
        for dir in "$work"/root/*; do
            [ -f "$dir/etc/kubernetes/kubelet.conf" ] && echo "$(basename "$dir")   Ready   <none>   1m   v1.28.2"
        done ;;
    *" get pods "*) echo "coredns-5dd5756b68-7xk2p   1/1   Running   0   1m" ;;
    *" get daemonset calico-node "*) [ -f "$state/applied-calico" ] ;;
    *" get daemonset kube-flannel-ds "*) [ -f "$state/applied-flannel" ] ;;
    *" apply "*)
        manifest=$(option -f "$@")
        case "$manifest" in *calico*) touch "$state/applied-calico" ;; *flannel*) touch "$state/applied-flannel" ;; esac ;;
    *) fail "unknown arguments" ;;
    esac ;;
systemctl)
    mkdir -p "$state/enabled" "$state/active"
    verb=$1; shift
    now=false
    [ "${1:-}" = --now ] && { now=true; shift; }
    unit=${1:-}
    case "$verb" in
    enable) touch "$state/enabled/$unit"; $now && touch "$state/active/$unit"; true ;;
    disable) rm -f "$state/enabled/$unit"; $now && rm -f "$state/active/$unit"; true ;;
    start|restart) touch "$state/active/$unit" ;;
    stop) rm -f "$state/active/$unit" ;;
    is-enabled) [ -f "$state/enabled/$unit" ] ;;
    is-active) [ -f "$state/active/$unit" ] ;;
    cat) exit 1 ;;
    *) fail "unknown verb $verb" ;;
    esac ;;
apt-get|yum)
    mkdir -p "$state/packages"
    [ "${1:-}" = install ] || exit 0
    shift
    for word in "$@"; do
        case "$word" in
        -*) ;;
        *=*) echo "${word#*=}" > "$state/packages/${word%%=*}" ;;
        *) package=$(echo "$word" | sed -E 's/-([0-9][^-]*)$//'); version=$(echo "$word" | sed -nE 's/.*-([0-9][^-]*)$/\1/p')
           echo "${version:-latest}" > "$state/packages/$package" ;;
        esac
    done ;;
yum-config-manager) [ "${1:-}" = --add-repo ] && mkdir -p "$root/etc/yum.repos.d" && echo "baseurl=$2" > "$root/etc/yum.repos.d/$(basename "$2")" ;;
dpkg) [ "${1:-}" = -s ] && [ -f "$state/packages/${2:-}" ] ;;
rpm) [ "${1:-}" = -q ] && [ -f "$state/packages/${2:-}" ] ;;
apt-mark)
    mkdir -p "$state/held"
    verb=$1; shift
    case "$verb" in
    hold) for package in "$@"; do touch "$state/held/$package"; done ;;
    unhold) for package in "$@"; do rm -f "$state/held/$package"; done ;;
    showhold) ls "$state/held" ;;
    esac ;;
modprobe)
    mkdir -p "$root/proc"
    grep -q "^$1 " "$root/proc/modules" 2>/dev/null || echo "$1 16384 0 - Live 0x0" >> "$root/proc/modules" ;;
sysctl)
    case "${1:-}" in
    --system) cat "$root"/etc/sysctl.d/*.conf | tr -d ' ' > "$state/sysctl" ;;
    -n) sed -n "s/^$2=//p" "$state/sysctl" 2>/dev/null | grep . || exit 1 ;;
    esac ;;
swapoff) mkdir -p "$root/proc"; echo "Filename Type Size Used Priority" > "$root/proc/swaps" ;;
containerd)
    [ "$*" = "config default" ] || fail "unknown arguments"
    cat <<'CONFIG'
disabled_plugins = []
version = 2
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.8"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
CONFIG
    ;;
ufw)
    case "${1:-}" in
    status) if [ -f "$state/ufw-disabled" ]; then echo "Status: inactive"; else echo "Status: active"; fi ;;
    disable) touch "$state/ufw-disabled"; echo "Firewall stopped and disabled on system startup" ;;
    esac ;;
hostnamectl) [ "${1:-}" = set-hostname ] && mkdir -p "$root/etc" && echo "$2" > "$root/etc/hostname" ;;
getenforce) cat "$state/selinux" 2>/dev/null || echo Enforcing ;;
setenforce) [ "${1:-}" = 0 ] && echo Permissive > "$state/selinux" ;;
curl)
    output=$(option -o "$@") || output=/dev/stdout
    case "$*" in
    *calico*) printf '            # - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"\n' > "$output" ;;
    *flannel*) printf '      "Network": "10.244.0.0/16",\n' > "$output" ;;
    *) echo "-----BEGIN PGP PUBLIC KEY BLOCK-----" > "$output" ;;
    esac ;;
gpg) output=$(option -o "$@") && cat > "$output" ;;
*) fail "no stand-in for $name" ;;
esac
