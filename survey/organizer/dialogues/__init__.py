"""The dialogue log: meetings and safety walks, and the issues raised in them."""
