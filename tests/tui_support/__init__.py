"""Pilot and snapshot tests of support's screens, corrections, the idle lock and passwords."""
