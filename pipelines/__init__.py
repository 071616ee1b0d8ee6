"""One thin module per DVC stage: read params, call framescope, write outputs."""
