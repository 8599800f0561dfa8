"""Many articles, one library: find them (sources), remember them (store), produce them in
worker processes or on a Dask cluster (work, pool, cluster) and publish each as it lands."""
