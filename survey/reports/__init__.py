"""Writers that render a situation picture (analysis.picture) as CSV, XLSX, HTML or PDF."""
