"""Each feature's entry points: the command words, buttons, forms and App Home cards it
registers with the Dispatcher (one `register` per feature, called from the composition root)."""
