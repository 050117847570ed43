"""The pure core: configuration model, signals, tokens and the consent policy."""
