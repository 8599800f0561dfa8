"""Publishing: a folder of episodes as a podcast (its `library`, a `feed`, a server)."""
