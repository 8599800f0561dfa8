"""Audio: the clips become one mastered file.

`mixing` lays the clips and pauses on one timeline (with the `music`), `loudness` and
`mastering` decide the gain, `ffmpeg` encodes and measures (the one place that runs ffmpeg
and ffprobe) into one of the `formats` (the table of what each extension means), and
`verifying` checks the result before it is put in place.
"""
