"""The side-by-side benchmark's parts: lab endpoints, inventories per tool, measurement, report."""
