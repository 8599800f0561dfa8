"""Scripting: an article becomes what will be said, in order.

`segments` makes the episode's segments (intro, title, headings, paragraphs, quotes, outro),
`sentences` splits them, `quoting` gives quotations their own voice, `speakable` turns what is
written into what is said, and `pacing` places the pauses. All pure: text in, values out.
"""
