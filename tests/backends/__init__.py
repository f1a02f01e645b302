"""Real Swift servers on loopback for the tests: Ceph RGW (what Allas runs) and OpenStack Swift."""
