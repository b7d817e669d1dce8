/** Ambient types of this mini-program. */
interface IAppOption {
  globalData: {
    /** Cloud environment id, or the DYNAMIC_CURRENT_ENV default. */
    cloudEnv?: string;
  };
}
