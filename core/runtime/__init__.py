"""The running program on this computer: the application log (`applog`) and the one-process-at-a-time
lock (`instance_lock`)."""
