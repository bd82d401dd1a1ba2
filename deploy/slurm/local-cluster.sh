#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for trying
# `hardness slurm …` locally and for CI.
#
#   deploy/slurm/local-cluster.sh up      install (if missing), configure, start, wait until idle
#   deploy/slurm/local-cluster.sh status  daemons, sinfo, squeue
#   deploy/slurm/local-cluster.sh down    stop exactly the daemons `up` started (by pid file)
#
# Runs as root on Debian/Ubuntu: installs slurm-wlm and munge with apt-get
# when missing, writes /etc/slurm/slurm.conf (refusing to overwrite one it
# did not write), creates /etc/munge/munge.key if there is none, and starts
# munged (as the munge user), slurmctld and slurmd. A daemon that is already
# running is used as it is and never stopped by `down`.
#
# The node is $(hostname -s) with CPUs=$(nproc); one partition "debug",
# the default. Accounting is off (sacct is not available; squeue shows
# finished jobs for MinJobAge seconds). State, spool directories, logs and
# pid files live in $HARDNESS_SLURM_STATE (default /var/tmp/hardness-slurm).
#
# HARDNESS_SLURM_CONF=PATH writes the configuration there instead of
# /etc/slurm/slurm.conf: the cluster is then visible only to commands run
# with SLURM_CONF=PATH in their environment (for a machine shared with
# other users of Slurm's default configuration).
set -euo pipefail

STATE=${HARDNESS_SLURM_STATE:-/var/tmp/hardness-slurm}
CONF=${HARDNESS_SLURM_CONF:-/etc/slurm/slurm.conf}
export SLURM_CONF=$CONF
MARK="# written by hardness deploy/slurm/local-cluster.sh"
MUNGE_RUN=/run/munge

log() { printf 'local-cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"; }

install_packages() {
	local missing=()
	command -v slurmctld >/dev/null || missing+=(slurmctld)
	command -v slurmd >/dev/null || missing+=(slurmd)
	command -v sbatch >/dev/null || missing+=(slurm-client)
	command -v munged >/dev/null || missing+=(munge)
	[ ${#missing[@]} = 0 ] && return 0
	log "installing slurm-wlm munge (missing: ${missing[*]})"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

write_conf() {
	local host cpus mem
	host=$(hostname -s)
	cpus=$(nproc)
	# Leave 10% of the memory (at least 256 MiB) to the system.
	mem=$(awk '/^MemTotal:/ { m = int($2 / 1024); r = int(m * 0.9); if (m - r < 256) r = m - 256; if (r < 1) r = 1; print r }' /proc/meminfo)
	if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
		die "$CONF exists and was not written by this script; not overwriting it (move it away or use that cluster)"
	fi
	mkdir -p "$(dirname "$CONF")" "$STATE/ctld" "$STATE/spool" "$STATE/log"
	cat >"$CONF.tmp" <<CONF
$MARK
# Single node: $host, $cpus CPUs, $mem MiB, reached at 127.0.0.1 (no DNS needed).
ClusterName=hardness-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# Schedule (and release dependent jobs) within a second, not a minute:
# 64 one-second-or-less array tasks and their afterok merge take about 13 s
# on 2 CPUs with these, 30 s with sched_interval=2,bf_interval=2.
SchedulerParameters=sched_interval=1,bf_interval=1,sched_min_interval=0,batch_sched_delay=0
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Finished jobs stay visible to squeue/scontrol for 5 minutes.
MinJobAge=300
# Seconds between SIGTERM and SIGKILL for cancelled and timed-out jobs.
KillWait=5
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
	mv "$CONF.tmp" "$CONF"
}

running() { # pidfile → true when the pid in it is alive
	[ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

start_munge() {
	if [ ! -s /etc/munge/munge.key ]; then
		log "creating /etc/munge/munge.key"
		mkdir -p /etc/munge
		dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
	fi
	chown munge:munge /etc/munge/munge.key
	chmod 400 /etc/munge/munge.key
	mkdir -p "$MUNGE_RUN" /var/log/munge /var/lib/munge
	chown munge:munge "$MUNGE_RUN" /var/log/munge /var/lib/munge
	chmod 755 "$MUNGE_RUN"
	if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
		log "munged already running; using it"
		return 0
	fi
	runuser -u munge -- /usr/sbin/munged --pid-file="$MUNGE_RUN/munged.pid" --force
	cp "$MUNGE_RUN/munged.pid" "$STATE/munged.pid"
	for _ in $(seq 50); do
		munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "munged did not come up"
}

start_daemon() { # name → starts it unless running; records that we started it
	local name=$1 pidfile="$STATE/$1.pid"
	if running "$pidfile" || pgrep -x "$name" >/dev/null; then
		log "$name already running; using it"
		return 0
	fi
	"/usr/sbin/$name" -f "$CONF"
	for _ in $(seq 100); do
		running "$pidfile" && { touch "$STATE/$name.started"; return 0; }
		sleep 0.1
	done
	die "$name did not start; see $STATE/log/$name.log"
}

wait_idle() {
	local host state
	host=$(hostname -s)
	for _ in $(seq 120); do
		state=$(sinfo -h -n "$host" -o '%T' 2>/dev/null || true)
		case $state in
		idle | mixed | allocated)
			log "node $host is $state; cluster up"
			[ "$CONF" = /etc/slurm/slurm.conf ] || log "its clients need: export SLURM_CONF=$CONF"
			return 0
			;;
		down* | drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
		esac
		sleep 0.5
	done
	die "node $host did not become idle (last state: ${state:-none}); see $STATE/log/"
}

up() {
	need_root
	install_packages
	mkdir -p "$STATE"
	write_conf
	start_munge
	start_daemon slurmctld
	start_daemon slurmd
	wait_idle
}

stop_pidfile() { # name pidfile
	local name=$1 pidfile=$2 pid
	running "$pidfile" || { rm -f "$pidfile"; return 0; }
	pid=$(cat "$pidfile")
	log "stopping $name (pid $pid)"
	kill "$pid"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
		sleep 0.1
	done
	log "$name (pid $pid) did not stop after 10 s; sending SIGKILL"
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$pidfile"
}

# cancel_jobs cancels every job of the cluster whose controller we started
# and waits (up to 15 s) for them to end, so that no job step outlives
# the daemons.
cancel_jobs() {
	[ -e "$STATE/slurmctld.started" ] && running "$STATE/slurmctld.pid" || return 0
	local ids
	ids=$(squeue -h -o '%A' 2>/dev/null | sort -u)
	[ -n "$ids" ] || return 0
	log "cancelling the jobs still queued: $(echo $ids)"
	scancel $ids 2>/dev/null || true
	for _ in $(seq 150); do
		[ -z "$(squeue -h -t running,completing -o '%A' 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	log "jobs still completing after 15 s"
}

down() {
	need_root
	cancel_jobs
	for name in slurmd slurmctld; do
		if [ -e "$STATE/$name.started" ]; then
			stop_pidfile "$name" "$STATE/$name.pid"
			rm -f "$STATE/$name.started"
		fi
	done
	if [ -e "$STATE/munged.pid" ]; then
		stop_pidfile munged "$STATE/munged.pid"
	fi
	log "down"
}

status() {
	local name
	for name in munged slurmctld slurmd; do
		if running "$STATE/$name.pid"; then
			echo "$name: running (pid $(cat "$STATE/$name.pid"))"
		elif pgrep -x "$name" >/dev/null; then
			echo "$name: running (not started by this script)"
		else
			echo "$name: stopped"
		fi
	done
	command -v sinfo >/dev/null || { echo "sinfo: not installed"; return 0; }
	sinfo 2>&1 || true
	squeue 2>&1 || true
}

case ${1:-} in
up) up ;;
down) down ;;
status) status ;;
*)
	echo "usage: $0 up|down|status" >&2
	exit 2
	;;
esac
