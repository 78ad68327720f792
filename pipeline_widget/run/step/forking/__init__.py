"""Kernels forked from a server that has imported ipykernel once (server.py), instead of
each started as a new program: client.py starts and talks to the servers, provisioner.py
lets jupyter_client start its kernels through them."""
