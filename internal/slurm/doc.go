// Package slurm runs sharded hardness work as Slurm job arrays: it renders
// the batch scripts, submits them with sbatch, records what was submitted
// in the run directory, and reads back which shards are done, running or
// failed.
//
// # Overview
//
// A sharded run in directory DIR is K independent tasks, task I writing
// DIR/shard-I-of-K.json atomically ([ShardFile]), and one merge step that
// reads them. On Slurm that is two jobs: an array job (--array=0-(K−1)%J,
// one task per shard, [Script] with Array set) and a merge job submitted
// with --dependency=afterok:<array job id>, which therefore never runs
// while a shard has failed. Both scripts are plain sbatch files written
// into DIR (shards.sbatch, merge.sbatch) that a user can read, edit and
// resubmit by hand; they record the exact hardness command and version.
//
// [State] (DIR/slurm.json) holds the commands, the scripts and every
// submission (array job id, its task indices, merge job id). [Inspect]
// combines it with the shard files present and with what the cluster
// reports (squeue, and sacct when accounting is enabled; neither is
// required) into a [Status]; [Status.Resubmit] lists the shards a resume
// must run again: those with neither a shard file nor a live task.
//
// The cluster is reached only through its command-line tools ([Runner]:
// sbatch --parsable, squeue, sacct, scancel), so the package works with any
// Slurm installation the user's shell works with; it is tested against a
// real single-node cluster (deploy/slurm/local-cluster.sh).
//
// Requeue safety comes from the tasks themselves: a shard file appears
// only by an atomic rename after the shard is complete, so a task that is
// cancelled, preempted or killed at its time limit leaves no shard file,
// and running it again recomputes the same shard.
package slurm
