#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A single-host Slurm cluster in one directory, for tests and demos:
#
#   tools/slurm/slurm_cluster.sh start DIR   # munged, slurmctld, slurmd; waits for an idle node
#   export SLURM_CONF=DIR/slurm.conf         # every slurm command (sbatch, sinfo, ...) needs it
#   tools/slurm/slurm_cluster.sh stop DIR    # ends the daemons by the PIDs recorded in DIR
#
# Everything lives in DIR: the MUNGE key, socket, seed, log and PID files, slurm.conf,
# the controller's state, the node's spool and the logs. Nothing under /etc is read or
# written and no service of the machine is used: munged runs on its own socket
# (AuthInfo=socket=...), slurmctld and slurmd on free high loopback ports. One node, named
# after `hostname -s`, at 127.0.0.1 with `nproc` CPUs; no cgroups (proctrack/linuxproc,
# task/none); the daemons run as root (SlurmUser=root), so start needs root.
# Needs the Debian packages slurm-wlm (22.05) and munge (tools/setup.sh installs them).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
action=$1
[[ -n $2 ]] || usage
mkdir -p -- "$2"
dir=$(cd -- "$2" && pwd)
SLURM_CONF=$dir/slurm.conf
export SLURM_CONF
IDLE_TIMEOUT=${SLURM_CLUSTER_TIMEOUT:-60}  # seconds to wait for the node to become idle

log() { echo "slurm_cluster: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# A TCP port on 127.0.0.1 that nothing listens on, above 20000, not in `taken`.
free_port() {
  local taken=$1 port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    [[ " $taken " == *" $port "* ]] && continue
    if ! ss -Htln "sport = :$port" | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  die "no free TCP port found"
}

# Ends the process whose PID FILE records, TERM then (after 10 s) KILL.
stop_pid_file() {
  local file=$1 pid
  [[ -s $file ]] || return 0
  pid=$(cat -- "$file")
  [[ $pid =~ ^[0-9]+$ ]] || { rm -f -- "$file"; return 0; }
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f -- "$file"
}

stop() {
  stop_pid_file "$dir/run/slurmd.pid"
  stop_pid_file "$dir/run/slurmctld.pid"
  stop_pid_file "$dir/munge/munged.pid"
}

start() {
  [[ $(id -u) -eq 0 ]] || die "start needs root (the daemons run as SlurmUser=root)"
  local tool
  for tool in munged slurmctld slurmd sinfo ss; do
    command -v "$tool" >/dev/null || die "needs $tool (apt-get install slurm-wlm munge)"
  done
  [[ -e $dir/run/slurmctld.pid ]] && die "$dir already holds a cluster: stop it first"
  mkdir -p "$dir/munge" "$dir/run" "$dir/state" "$dir/spool" "$dir/log"
  chmod 0700 "$dir/munge"
  if [[ ! -s $dir/munge/munge.key ]]; then
    (umask 077 && dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none)
  fi
  chmod 0400 "$dir/munge/munge.key"
  munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed" --force ||
    die "munged did not start: $(tail -n 3 "$dir/munge/munged.log" 2>/dev/null)"

  local node cpus ctld_port slurmd_port
  node=$(hostname -s)
  cpus=$(nproc)
  ctld_port=$(free_port "")
  slurmd_port=$(free_port "$ctld_port")
  cat >"$SLURM_CONF" <<CONF
# Written by tools/slurm/slurm_cluster.sh: a one-node cluster living in $dir.
ClusterName=cutpoint
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  slurmctld -c || die "slurmctld did not start: $(tail -n 5 "$dir/log/slurmctld.log" 2>/dev/null)"
  slurmd -N "$node" || die "slurmd did not start: $(tail -n 5 "$dir/log/slurmd.log" 2>/dev/null)"

  local state=""
  for _ in $(seq $((IDLE_TIMEOUT * 2))); do
    state=$(sinfo -h -N -n "$node" -o %T 2>/dev/null | head -n 1 || true)
    [[ $state == idle ]] && break
    sleep 0.5
  done
  if [[ $state != idle ]]; then
    log "the node is '${state:-unknown}' after ${IDLE_TIMEOUT}s, not idle; logs:"
    tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
    stop
    exit 1
  fi
  log "cluster up in $dir: node $node ($cpus CPUs), slurmctld :$ctld_port, slurmd :$slurmd_port"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
