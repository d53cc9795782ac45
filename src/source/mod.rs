pub mod bicep;
