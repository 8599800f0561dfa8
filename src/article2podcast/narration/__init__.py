"""Narration: every utterance through a speech engine, in worker processes, kept in a cache.

`engines` holds the interchangeable engines behind one small interface, `narrator` runs them
in worker processes and checks every clip, and `clipcache` keeps each clip between runs.
"""
