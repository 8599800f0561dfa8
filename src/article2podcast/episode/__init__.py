"""Episode files: the audio's companions and how they are named and written.

The manifest, captions, chapters, tags, show notes, cover and read-along page; `naming` and
`ownership` decide where they go and which files are ours to replace; `staging` writes them
under temporary names and renames them into place together.
"""
