"""Training on several processes with torch.distributed (DistributedDataParallel): world.py
joins the processes torchrun started, shard.py gives each its part of every batch, launch.py
starts them from `digitpad train --nproc N`."""
