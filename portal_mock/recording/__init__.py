"""Record and replay: a proxy that forwards Portal traffic to an upstream and
turns what it saw into a scenario file (``portal-mock record``), and the
forwarding ``serve --proxy`` uses for requests the mock does not serve.

``recorder`` is pure (observed exchanges in, a scenario document out);
``proxy`` holds the HTTP side: the upstream client and the recording app.
"""
