//! Statistics used by the diagnose, as plain functions on numbers (no tables here).
//!
//! - [`interval`]: 95 % intervals for rates: Wilson (proportions) and exact Poisson (Garwood).
//! - [`shrinkage`]: Empirical-Bayes shrinkage of small-area rates (Marshall's global method).
//! - [`trend`]: least-squares slope with its standard error.
//! - [`classify`]: class breaks for maps (quantile, Fisher-Jenks natural breaks, equal interval).
//! - [`distribution`]: mean, standard deviation, z-scores and percentile ranks.
//! - [`weights`]: queen contiguity from polygons, row-standardised, islands reported.
//! - [`moran`]: global and local Moran's I (LISA) as esda defines them, seeded permutations.
//! - [`conditional`]: the conditional permutations of local Moran's I, shared by all regions.
//! - [`rng`]: the seeded generator of those permutations (xoshiro256++).
//! - [`interpolate`]: areal interpolation between two sets of polygons, as tobler defines it.

pub mod classify;
pub mod conditional;
pub mod distribution;
pub mod gamma;
pub mod interpolate;
pub mod interval;
pub mod moran;
pub mod rng;
pub mod shrinkage;
pub mod trend;
pub mod weights;
