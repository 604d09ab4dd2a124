"""Chengguan: the platform a district city-management law-enforcement bureau runs on."""
