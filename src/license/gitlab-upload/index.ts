/** What GitLab EE does with an uploaded license: its checks, its two clocks, its later life. Pure. */
export * from './seats.js';
export * from './time-zones.js';
export * from './preflight.js';
export * from './license-life.js';
