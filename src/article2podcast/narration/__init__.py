"""Narration: every utterance through a speech engine, in worker processes, kept in a cache.

`engines` holds the interchangeable engines behind one small interface and their registry;
`worker` is the engine's process and the requests it answers, `proxy` the same interface on
the producer's side; `voices` gives each role a voice the engine has; `clips` checks a clip and
finishes it; `narrator` runs the pool of workers with its retry policy; and `clipcache` (with
`clipfiles`, its files' format) keeps each clip between runs.
"""
