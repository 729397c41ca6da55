"""The app's screens; each one shows what the core computes and calls the core to act."""
