/** Ambient types of this mini-program. */
interface IAppOption {
  globalData: {
    /** Cloud environment id, or the DYNAMIC_CURRENT_ENV default. */
    cloudEnv?: string;
    /** Host of the FaceID stand-in component (development only); see faceid-components/README.md. */
    faceidHost?: string;
  };
}
